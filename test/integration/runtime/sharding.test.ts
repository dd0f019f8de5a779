// Sharding with --watch-label-selector: two controller processes in one namespace, each
// reconciling only the capstan objects of its shard, while ConfigMaps in valuesFrom and Helm's
// release Secrets (which carry no shard label) still work for both.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startChartServer, type ChartServer } from '../../support/chart-server.ts';
import { startController, type ControllerProcess } from '../../support/controller-process.ts';
import { isReady, useHelmReleaseSuite } from '../../support/helmrelease.ts';
import { kubectl, kubectlJson } from '../../support/kubectl.ts';
import { conditionSeries } from '../../support/metrics.ts';
import { useNamespace } from '../../support/namespace.ts';
import { HELM_MAJORS } from '../../support/paths.ts';
import { waitFor } from '../../support/wait.ts';

const SHARDS = ['a', 'b'] as const;
const LABEL = 'sharding.capstan.dev/key';

interface ClusterEvent {
  reportingInstance?: string;
  regarding: { kind: string; name: string };
}

describe('sharding with --watch-label-selector', () => {
  const controllers = new Map<string, ControllerProcess>();
  let server: ChartServer | undefined;
  // Registered first, so it runs first: a controller still running while the namespace is
  // cleaned up would put back the finalizers the cleanup removes.
  after(async () => {
    await Promise.all([...controllers.values()].map((c) => c.stop()));
    await server?.close();
  });
  const namespace = useNamespace('shard');
  // Its HelmRepository `fixtures` carries no shard label: no controller may touch it.
  const suite = useHelmReleaseSuite(namespace, undefined, HELM_MAJORS[1]);
  before(async () => {
    server = await startChartServer();
    for (const shard of SHARDS) {
      controllers.set(shard, await startController(['--watch-namespace', namespace.name, '--watch-label-selector', `${LABEL}=${shard}`]));
    }
  });
  const controller = (shard: string) => {
    const c = controllers.get(shard);
    assert.ok(c);
    return c;
  };
  const values = (greeting: string) => kubectl(['apply', '-n', namespace.name, '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared-values' }, data: { 'values.yaml': `config: {greeting: ${greeting}}\n` } }),
  });

  it('reconciles each object in the controller of its shard only', async () => {
    await values('hello-shards');
    for (const shard of SHARDS) {
      const labels = { [LABEL]: shard };
      await kubectl(['apply', '-n', namespace.name, '-f', '-'], {
        input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [
          { apiVersion: 'source.capstan.dev/v1', kind: 'HelmRepository', metadata: { name: `repo-${shard}`, labels }, spec: { url: server?.url, interval: '10m' } },
          { apiVersion: 'helm.capstan.dev/v1', kind: 'HelmRelease', metadata: { name: `app-${shard}`, labels }, spec: {
            interval: '10m',
            chart: { spec: { chart: 'app', version: '1.0.0', sourceRef: { kind: 'HelmRepository', name: `repo-${shard}` } } },
            valuesFrom: [{ kind: 'ConfigMap', name: 'shared-values' }],
          } },
        ] }),
      });
    }
    for (const shard of SHARDS) await suite.waitHr(`app-${shard}`, 'Ready', isReady);

    const events = await kubectlJson<{ items: ClusterEvent[] }>(['get', 'events.events.k8s.io', '-n', namespace.name]);
    for (const shard of SHARDS) {
      const writers = new Set(events.items.filter((e) => e.regarding.name.endsWith(`-${shard}`)).map((e) => e.reportingInstance?.split('_').at(-1)));
      assert.deepEqual([...writers], [String(controller(shard).pid)], `only shard ${shard}'s controller wrote events about its objects`);
      const other = shard === 'a' ? 'b' : 'a';
      // The gauge follows the controller's own informer, which may see its status write after kubectl did.
      await waitFor(`shard ${shard}'s gauge to say app-${shard} is Ready`, async () =>
        (await conditionSeries(controller(shard), namespace.name, `app-${shard}`)).get('HelmRelease/Ready/True') === 1 || undefined, { timeoutMs: 10_000 });
      assert.equal((await conditionSeries(controller(shard), namespace.name, `app-${other}`)).size, 0, `shard ${shard} does not watch app-${other}`);
    }
    const fixtures = await kubectlJson<{ status?: unknown }>(['get', 'hrepo', 'fixtures', '-n', namespace.name]);
    assert.equal(fixtures.status, undefined, 'an object without a shard label is reconciled by no controller');
  });

  it('reads unlabelled ConfigMaps in valuesFrom and Helm\'s unlabelled release Secrets', async () => {
    const helm = await suite.helm();
    const got = JSON.parse((await helm(['get', 'values', 'app-a', '-n', namespace.name, '-o', 'json'])).stdout) as { config?: { greeting?: string } };
    assert.equal(got.config?.greeting, 'hello-shards');

    // A reconcile that did not see the release Secret would install a second time (and fail).
    const requested = new Date().toISOString();
    await suite.annotate('app-a', 'reconcile.capstan.dev/requestedAt', requested);
    await suite.waitHr('app-a', 'the requested reconcile', (hr) => hr.status?.lastHandledReconcileAt === requested && isReady(hr));
    assert.equal((await suite.history('app-a')).length, 1);

    // The unlabelled ConfigMap still triggers its dependents in both shards.
    await values('changed');
    for (const shard of SHARDS) {
      await waitFor(`app-${shard} upgraded with the new values`, async () => ((await suite.history(`app-${shard}`)).length === 2 ? true : undefined), { timeoutMs: 90_000, intervalMs: 500 });
    }
  });
});
