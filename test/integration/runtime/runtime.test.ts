// The runtime against the real API server: informers feed a controller whose test reconciler
// marks HelmRepositories Ready through the status subresource.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { HelmRepository } from '../../../src/api/objects.ts';
import { EventRecorder, type RecordedEvent } from '../../../src/kube/events.ts';
import { capstanResource, splitKey } from '../../../src/kube/resource.ts';
import { asStored } from '../../../src/kube/status.ts';
import { countingClient } from '../../support/controller-client.ts';
import { echoMessage, startEchoController, type EchoController } from '../../support/echo-controller.ts';
import { kubectl, kubectlJson } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { waitFor } from '../../support/wait.ts';

const repo = (name: string, url: string) =>
  `apiVersion: source.capstan.dev/v1\nkind: HelmRepository\nmetadata: {name: ${name}}\nspec: {url: "${url}"}\n`;

describe('controller runtime', () => {
  const namespace = useNamespace('runtime');
  const { client, writes } = countingClient();
  let echo: EchoController;

  before(() => {
    echo = startEchoController(client, namespace.name);
  });
  after(async () => {
    await echo.stop();
  });

  it('becomes ready once its caches have synced', async () => {
    await waitFor('the manager to be ready', () => (echo.manager.ready ? true : undefined), { timeoutMs: 20_000 });
  });

  it('lets kubectl wait --for=condition=Ready return once the reconciler marks the object Ready', async () => {
    await kubectl(['apply', '-n', namespace.name, '-f', '-'], { input: repo('one', 'https://charts.example.test') });
    const result = await kubectl(['wait', '-n', namespace.name, '--for=condition=Ready', 'helmrepository/one', '--timeout=30s']);
    assert.match(result.stdout, /condition met/);
  });

  it('makes no API write when an unchanged object is reconciled again', async () => {
    const before = writes();
    const count = echo.reconciled.length;
    echo.controller.enqueue(`${namespace.name}/one`);
    await waitFor('the second reconcile', () => (echo.reconciled.length > count ? true : undefined));
    // The status write of the second reconcile would have been a PATCH: there is none.
    assert.equal(writes(), before);
  });

  it('sees a spec change and records the new observedGeneration', async () => {
    await kubectl(['apply', '-n', namespace.name, '-f', '-'], { input: repo('one', 'https://other.example.test') });
    const obj = await waitFor('observedGeneration 2', async () => {
      const o = await kubectlJson<HelmRepository>(['get', 'hrepo', 'one', '-n', namespace.name]);
      return o.status?.observedGeneration === 2 ? o : undefined;
    });
    assert.equal(obj.status?.conditions?.[0]?.message, echoMessage('https://other.example.test'));
  });

  it('reads an object through to the API server only as far as the cache is behind it', async () => {
    const resource = capstanResource('HelmRepository');
    const cached = await kubectlJson<HelmRepository>(['get', 'hrepo', 'one', '-n', namespace.name]);
    assert.equal(await asStored(client, resource, cached), cached, 'current: the cached object itself');
    await kubectl(['annotate', 'hrepo', 'one', '-n', namespace.name, 'test.capstan.dev/touched=yes']);
    const stored = await asStored(client, resource, cached);
    assert.notEqual(stored, cached);
    assert.equal(stored?.metadata.annotations?.['test.capstan.dev/touched'], 'yes', 'behind: the object as stored now');
  });

  it('tells the handlers when an object is deleted', async () => {
    await kubectl(['delete', 'hrepo', 'one', '-n', namespace.name]);
    await waitFor('the delete event', () => (echo.deleted.includes(`${namespace.name}/one`) ? true : undefined));
    assert.deepEqual(splitKey(echo.deleted[0] ?? ''), { namespace: namespace.name, name: 'one' });
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
