// The runtime against the real API server: informers feed a controller whose test reconciler
// marks HelmRepositories Ready through the status subresource.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { applySteps, markReady } from '../../../src/api/conditions.ts';
import type { HelmRepositorySpec, HelmRepositoryStatus } from '../../../src/api/source.ts';
import { EventRecorder, type RecordedEvent } from '../../../src/kube/events.ts';
import { capstanResource, splitKey, objectKey, type KubeObject } from '../../../src/kube/resource.ts';
import { writeStatus } from '../../../src/kube/status.ts';
import type { Controller, Reconciler } from '../../../src/runtime/controller.ts';
import { Manager } from '../../../src/runtime/manager.ts';
import { createMetrics } from '../../../src/runtime/metrics.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { countingClient } from '../../support/controller-client.ts';
import { kubectl, kubectlJson } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { waitFor } from '../../support/wait.ts';

interface HelmRepository extends KubeObject {
  spec: HelmRepositorySpec;
  status?: HelmRepositoryStatus;
}

const repo = (name: string, url: string) =>
  `apiVersion: source.capstan.dev/v1\nkind: HelmRepository\nmetadata: {name: ${name}}\nspec: {url: "${url}"}\n`;

describe('controller runtime', () => {
  const namespace = useNamespace('runtime');
  const { client, writes } = countingClient();
  const log = createLogger({ level: 'silent', format: 'json' });
  const resource = capstanResource('HelmRepository');
  const reconciled: string[] = [];
  const deleted: string[] = [];
  const stop = new AbortController();
  let running: Promise<unknown> = Promise.resolve();
  let manager: Manager;
  let controller: Controller;

  before(() => {
    manager = new Manager({ client, log, metrics: createMetrics(['HelmRepository']), concurrency: 2 });
    const informer = manager.informer<HelmRepository>({ resource, namespace: namespace.name });
    const reconciler: Reconciler = {
      kind: 'HelmRepository',
      reconcile: async (key) => {
        reconciled.push(key);
        const obj = informer.get(key);
        if (!obj) return {};
        const conditions = applySteps(obj.status?.conditions, markReady('Succeeded', `observed ${obj.spec.url}`, obj.metadata.generation, new Date().toISOString()));
        await writeStatus(client, resource, obj, { ...obj.status, observedGeneration: obj.metadata.generation, conditions });
        return {};
      },
    };
    controller = manager.controller(reconciler);
    informer.addHandlers({
      add: (o) => { controller.enqueue(objectKey(o.metadata)); },
      update: (o) => { controller.enqueue(objectKey(o.metadata)); },
      delete: (o) => { deleted.push(objectKey(o.metadata)); },
    });
    running = manager.run(stop.signal);
  });
  after(async () => {
    stop.abort();
    await running;
  });

  it('becomes ready once its caches have synced', async () => {
    await waitFor('the manager to be ready', () => (manager.ready ? true : undefined), { timeoutMs: 20_000 });
  });

  it('lets kubectl wait --for=condition=Ready return once the reconciler marks the object Ready', async () => {
    await kubectl(['apply', '-n', namespace.name, '-f', '-'], { input: repo('one', 'https://charts.example.test') });
    const result = await kubectl(['wait', '-n', namespace.name, '--for=condition=Ready', 'helmrepository/one', '--timeout=30s']);
    assert.match(result.stdout, /condition met/);
  });

  it('makes no API write when an unchanged object is reconciled again', async () => {
    const before = writes();
    const count = reconciled.length;
    controller.enqueue(`${namespace.name}/one`);
    await waitFor('the second reconcile', () => (reconciled.length > count ? true : undefined));
    // The status write of the second reconcile would have been a PATCH: there is none.
    assert.equal(writes(), before);
  });

  it('sees a spec change and records the new observedGeneration', async () => {
    await kubectl(['apply', '-n', namespace.name, '-f', '-'], { input: repo('one', 'https://other.example.test') });
    const obj = await waitFor('observedGeneration 2', async () => {
      const o = await kubectlJson<HelmRepository>(['get', 'hrepo', 'one', '-n', namespace.name]);
      return o.status?.observedGeneration === 2 ? o : undefined;
    });
    assert.match(obj.status?.conditions?.[0]?.message ?? '', /other\.example\.test/);
  });

  it('tells the handlers when an object is deleted', async () => {
    await kubectl(['delete', 'hrepo', 'one', '-n', namespace.name]);
    await waitFor('the delete event', () => (deleted.includes(`${namespace.name}/one`) ? true : undefined));
    assert.deepEqual(splitKey(deleted[0] ?? ''), { namespace: namespace.name, name: 'one' });
  });
});

describe('event recorder', () => {
  const namespace = useNamespace('events');

  it('folds a repeated event into one Event with a series count, and streams both in process', async () => {
    await kubectl(['apply', '-n', namespace.name, '-f', '-'], { input: repo('evented', 'https://charts.example.test') });
    const obj = await kubectlJson<HelmRepository>(['get', 'hrepo', 'evented', '-n', namespace.name]);
    const { client } = countingClient();
    const recorder = new EventRecorder(client, 'capstan', 'test');
    const streamed: RecordedEvent[] = [];
    recorder.subscribe((e) => streamed.push(e));
    const event = { regarding: { ...obj, apiVersion: 'source.capstan.dev/v1', kind: 'HelmRepository' }, type: 'Warning', reason: 'FetchFailed', action: 'Fetch', note: 'GET index.yaml: 503' } as const;
    await recorder.record(event);
    await recorder.record(event);
    const events = await kubectlJson<{ items: { reason: string; note: string; series?: { count: number } }[] }>(['get', 'events.events.k8s.io', '-n', namespace.name, '--field-selector', 'regarding.name=evented']);
    assert.equal(events.items.length, 1);
    assert.equal(events.items[0]?.series?.count, 2);
    assert.deepEqual(streamed.map((e) => e.count), [1, 2]);
    const described = await kubectl(['describe', 'hrepo', 'evented', '-n', namespace.name]);
    assert.match(described.stdout, /Warning\s+FetchFailed\s+.*GET index\.yaml: 503/);
  });
});
