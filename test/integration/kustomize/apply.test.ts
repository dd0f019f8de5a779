// The Kustomization apply engine against the test cluster: staged server-side apply after a dry
// run of every object, in-sync sets that write nothing, immutable fields, prune with its vetoes,
// and kstatus-style health checks (kwok makes pods Ready unless their template carries the stage
// label capstan.test/outcome: never-ready).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Discovery } from '../../../src/kube/discovery.ts';
import type { KubeObject } from '../../../src/kube/resource.ts';
import { ApplyError, applySet, type ApplyContext } from '../../../src/kustomize/apply/apply-set.ts';
import { HealthCheckError, waitHealthy, type ObjectRef } from '../../../src/kustomize/apply/health.ts';
import { inventoryOf, staleEntries } from '../../../src/kustomize/apply/inventory.ts';
import { prune } from '../../../src/kustomize/apply/prune.ts';
import { countingClient } from '../../support/controller-client.ts';
import { kubectl, kubectlJson } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { namespaceAdmin } from '../../support/tenant.ts';
import { waitFor } from '../../support/wait.ts';

type Obj = KubeObject & Record<string, unknown>;

const configMap = (namespace: string, name: string, data: Record<string, string> = { color: 'blue' }, metadata: Partial<KubeObject['metadata']> = {}): Obj =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, ...metadata }, data });

const deployment = (namespace: string, name: string, podLabels: Record<string, string> = {}): Obj => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name, ...podLabels } }, spec: { containers: [{ name: 'app', image: 'registry.capstan.test/app:1.0.0' }] } },
  },
});

const service = (namespace: string, name: string): Obj => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace },
  spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
});

const job = (namespace: string, name: string, command: string[]): Obj => ({
  apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace },
  spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: 'registry.capstan.test/migrate:1', command }] } } },
});

const crdOf = (group: string, kind: string, properties: Record<string, { type: string }> = { size: { type: 'integer' } }): Obj => {
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `${plural}.${group}` },
    spec: {
      group, scope: 'Namespaced', names: { plural, singular: kind.toLowerCase(), kind },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties } } } } }],
    },
  };
};

const refOf = (o: KubeObject): ObjectRef => ({ apiVersion: o.apiVersion ?? '', kind: o.kind ?? '', name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) });

async function exists(args: string[]): Promise<boolean> {
  return (await kubectl(['get', ...args], { check: false })).exitCode === 0;
}

async function rejection<T extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof type, `expected a ${type.name}, got ${String(err)}`);
    return err;
  }
  assert.fail(`expected a ${type.name}, got success`);
}

describe('Kustomization apply engine', { concurrency: true }, () => {
  const ns = useNamespace('ksapply');
  const api = countingClient();
  const discovery = new Discovery(api.client);
  const context = (changes: Partial<ApplyContext> = {}): ApplyContext =>
    ({ client: api.client, discovery, owner: { name: 'apps', namespace: ns.name }, force: false, timeoutMs: 60_000, ...changes });
  /** A context whose client counts only this test's requests (the others run at the same time). */
  const counting = (changes: Partial<ApplyContext> = {}) => {
    const counted = countingClient();
    return { counted, ctx: context({ client: counted.client, discovery: new Discovery(counted.client), ...changes }) };
  };
  const cleanup: string[][] = [];
  after(async () => {
    for (const args of cleanup) await kubectl(['delete', '--ignore-not-found', '--wait=false', ...args], { check: false });
  });

  it('applies CRDs and Namespaces first, then the custom resources and objects that need them', async () => {
    const suffix = randomBytes(3).toString('hex');
    const group = `stage${suffix}.capstan.test`;
    const extra = `${ns.name}-extra`;
    cleanup.push(['crd', `widgets.${group}`], ['namespace', extra]);
    const crd = crdOf(group, 'Widget');
    const widget: Obj = { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w', namespace: extra }, spec: { size: 3 } };
    const namespace: Obj = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: extra } };
    // The source's order is the worst one: everything before what it needs.
    const set = [widget, configMap(extra, 'settings'), crd, namespace];

    const changes = await applySet(set, context());

    assert.deepEqual(changes.created, [`Namespace/${extra}`, `CustomResourceDefinition/widgets.${group}`, `ConfigMap/${extra}/settings`, `Widget/${extra}/w`]);
    assert.deepEqual(changes.entries, inventoryOf(set));
    const live = await kubectlJson<Obj & { spec: { size: number } }>(['get', `widgets.${group}`, 'w', '-n', extra]);
    assert.equal(live.spec.size, 3);
    assert.deepEqual(live.metadata.labels, { 'kustomize.capstan.dev/name': 'apps', 'kustomize.capstan.dev/namespace': ns.name });

    // The next commit adds a field to the CRD and uses it: the custom resource is judged by the new schema.
    const crd2 = crdOf(group, 'Widget', { size: { type: 'integer' }, color: { type: 'string' } });
    const widget2: Obj = { ...widget, spec: { size: 3, color: 'blue' } };
    const next = await applySet([widget2, configMap(extra, 'settings'), crd2, namespace], context());
    assert.deepEqual(next.configured, [`CustomResourceDefinition/widgets.${group}`, `Widget/${extra}/w`]);
    assert.deepEqual((await kubectlJson<Obj>(['get', `widgets.${group}`, 'w', '-n', extra])).spec, { size: 3, color: 'blue' });
  });

  it('validates a custom resource once its CRD is applied, and then applies nothing more when it is invalid', async () => {
    const group = `late${randomBytes(3).toString('hex')}.capstan.test`;
    cleanup.push(['crd', `gadgets.${group}`]);
    const crd = crdOf(group, 'Gadget');
    const invalid: Obj = { apiVersion: `${group}/v1`, kind: 'Gadget', metadata: { name: 'g', namespace: ns.name }, spec: { size: 'large' } };

    const err = await rejection(applySet([crd, invalid, configMap(ns.name, 'beside-gadget')], context()), ApplyError);

    assert.equal(err.reason, 'ValidationFailed');
    assert.equal(err.object, `Gadget/${ns.name}/g`);
    assert.match(err.message, /\.spec\.size: expected numeric \(int or float\), got string$/);
    assert.equal(await exists(['crd', `gadgets.${group}`]), true, 'the CRD stage was applied: the API server could not validate the Gadget before');
    assert.equal(await exists(['configmap', 'beside-gadget', '-n', ns.name]), false);
  });

  it('applies nothing when one object is invalid, and names it with the API server\'s words', async () => {
    const broken = deployment(ns.name, 'broken');
    (broken.spec as { replicas: number }).replicas = -1;
    const { counted, ctx } = counting();

    const err = await rejection(applySet([configMap(ns.name, 'before-broken'), broken, service(ns.name, 'after-broken')], ctx), ApplyError);

    assert.equal(err.reason, 'ValidationFailed');
    assert.equal(err.object, `Deployment/${ns.name}/broken`);
    assert.match(err.message, /^dry-run of Deployment\/\S+\/broken failed: Deployment\.apps "broken" is invalid: spec\.replicas: Invalid value: -1: must be greater than or equal to 0/);
    assert.equal(counted.writes(), 0, 'no write');
    assert.equal(await exists(['configmap', 'before-broken', '-n', ns.name]), false);
    assert.equal(await exists(['service', 'after-broken', '-n', ns.name]), false);
  });

  it('refuses to change an immutable field, and recreates the object when forced', async () => {
    await applySet([job(ns.name, 'migrate', ['migrate', 'up'])], context());
    const before = await kubectlJson<Obj>(['get', 'job', 'migrate', '-n', ns.name]);
    const changed = [job(ns.name, 'migrate', ['migrate', 'up', '--all'])];

    const err = await rejection(applySet(changed, context()), ApplyError);
    assert.equal(err.reason, 'ImmutableFieldChanged');
    assert.equal(err.object, `Job/${ns.name}/migrate`);
    assert.match(err.message, /field is immutable; the object must be recreated to change it: set spec\.force: true/);

    const changes = await applySet(changed, context({ force: true }));
    assert.deepEqual(changes.configured, [`Job/${ns.name}/migrate`]);
    const after = await kubectlJson<Obj & { spec: { template: { spec: { containers: { command: string[] }[] } } } }>(['get', 'job', 'migrate', '-n', ns.name]);
    assert.notEqual(after.metadata.uid, before.metadata.uid, 'a new object');
    assert.deepEqual(after.spec.template.spec.containers[0]?.command, ['migrate', 'up', '--all']);
  });

  it('writes nothing when the set is already applied, and counts every object unchanged', async () => {
    const set: Obj[] = [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: ns.name } },
      configMap(ns.name, 'web'),
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web', namespace: ns.name }, stringData: { password: 'in-sync-secret' } },
      service(ns.name, 'web'),
      deployment(ns.name, 'web'),
    ];
    const first = await applySet(set, context());
    assert.equal(first.created.length, set.length);
    // Until the Deployment is available its controller keeps writing its status, and an object
    // still moving after a few reads is applied (dry-run.ts): let it settle before counting.
    await waitHealthy(set.map(refOf), context());
    const { counted, ctx: own } = counting();

    const second = await applySet(set, own);

    assert.equal(counted.writes(), 0, 'API writes of an in-sync apply');
    assert.ok((counted.dryRuns.get('PATCH') ?? 0) >= set.length, 'a dry run of every object');
    assert.deepEqual(second.unchanged, first.created);
    assert.deepEqual([second.created, second.configured], [[], []]);

    const third = await applySet([...set.slice(0, 1), configMap(ns.name, 'web', { color: 'red' }), ...set.slice(2)], own);
    assert.deepEqual(third.configured, [`ConfigMap/${ns.name}/web`]);
    assert.equal(counted.writes(), 1, 'one write: the changed object');
  });

  it('prunes what left the source in reverse order, never what is opted out, another\'s or Helm\'s', async () => {
    const gone = `${ns.name}-gone`;
    cleanup.push(['namespace', gone]);
    const source = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: gone } },
      configMap(gone, 'inside'),
      deployment(ns.name, 'pruned'),
      configMap(ns.name, 'opted-out', {}, { annotations: { 'kustomize.capstan.dev/prune': 'disabled' } }),
      configMap(ns.name, 'taken-over'),
      configMap(ns.name, 'helm-managed'),
      configMap(ns.name, 'deleted-already'),
    ];
    const owner = { name: 'pruner', namespace: ns.name };
    const first = await applySet(source, context({ owner }));
    // Since then: another Kustomization applied one, a Helm release adopted one, someone deleted one.
    await kubectl(['label', 'configmap', 'taken-over', '-n', ns.name, '--overwrite', 'kustomize.capstan.dev/name=other']);
    await kubectl(['annotate', 'configmap', 'helm-managed', '-n', ns.name, 'meta.helm.sh/release-name=web']);
    await kubectl(['delete', 'configmap', 'deleted-already', '-n', ns.name]);
    const kept = [configMap(ns.name, 'kept')];
    const second = await applySet(kept, context({ owner }));

    const pruned = await prune(staleEntries(first.entries, second.entries), context({ owner }));

    assert.deepEqual(pruned, [`Deployment/${ns.name}/pruned`, `ConfigMap/${gone}/inside`, `Namespace/${gone}`]);
    for (const name of ['opted-out', 'taken-over', 'helm-managed', 'kept']) assert.equal(await exists(['configmap', name, '-n', ns.name]), true, name);
    assert.equal(await exists(['deployment', 'pruned', '-n', ns.name]), false);
  });

  it('waits until the applied objects are healthy', async () => {
    const set = [deployment(ns.name, 'healthy'), service(ns.name, 'healthy'), configMap(ns.name, 'healthy')];
    await applySet(set, context());
    const progress: string[][] = [];

    await waitHealthy(set.map(refOf), { ...context(), onProgress: (notReady) => progress.push(notReady) });

    assert.deepEqual(progress.at(-1), []);
  });

  it('names every object not healthy within the timeout, and why', async () => {
    const slow = deployment(ns.name, 'slow', { 'capstan.test/outcome': 'never-ready' });
    await applySet([slow, configMap(ns.name, 'slow')], context());
    const refs = [refOf(slow), refOf(configMap(ns.name, 'slow')), { apiVersion: 'v1', kind: 'ConfigMap', name: 'missing', namespace: ns.name }];

    const err = await rejection(waitHealthy(refs, context({ timeoutMs: 5_000 })), HealthCheckError);

    assert.equal(err.reason, 'HealthCheckFailed');
    // Available, or on a loaded machine maybe not even updated yet: either way, named with its replicas.
    const [deploymentLine, missingLine, ...more] = err.notReady;
    assert.match(deploymentLine ?? '', new RegExp(`^Deployment ${ns.name}/slow: 0/1 replicas (available|updated)$`));
    assert.equal(missingLine, `ConfigMap ${ns.name}/missing: not found`);
    assert.deepEqual(more, []);
    assert.equal(err.message, `health check timed out after 5 s: ${err.notReady.join('; ')}`);
  });

  describe('as a service account without the rights', () => {
    const tenantNs = useNamespace('ksapplyrbac');
    let tenant: ApplyContext;
    before(async () => {
      const account = await namespaceAdmin(tenantNs.name);
      const user = `system:serviceaccount:${tenantNs.name}:${account.serviceAccount}`;
      // RBAC takes a moment to learn of the new RoleBinding.
      await waitFor('the tenant\'s RoleBinding to take effect', async () =>
        (await kubectl(['auth', 'can-i', 'patch', 'configmaps', '-n', tenantNs.name, '--as', user], { check: false })).stdout.trim() === 'yes' ? true : undefined);
      const client = api.client.impersonating(user);
      tenant = { ...context(), client, discovery: new Discovery(client), owner: { name: 'apps', namespace: tenantNs.name } };
    });

    it('fails with AccessDenied in the API server\'s words and applies nothing', async () => {
      const role: Obj = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: `${tenantNs.name}-reader` }, rules: [] };

      const err = await rejection(applySet([configMap(tenantNs.name, 'allowed'), role], tenant), ApplyError);

      assert.equal(err.reason, 'AccessDenied');
      assert.equal(err.object, `ClusterRole/${tenantNs.name}-reader`);
      assert.match(err.message, /clusterroles\.rbac\.authorization\.k8s\.io "\S+-reader" is forbidden: User "system:serviceaccount:\S+:tenant" cannot get resource "clusterroles"/);
      assert.equal(await exists(['configmap', 'allowed', '-n', tenantNs.name]), false);
    });

    it('fails a health check on an object it may not read with AccessDenied', async () => {
      const err = await rejection(waitHealthy([{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'admin' }], tenant), ApplyError);
      assert.equal(err.reason, 'AccessDenied');
      assert.equal(err.object, 'ClusterRole/admin');
      assert.match(err.message, /cannot get resource "clusterroles"/);
    });
  });
});
