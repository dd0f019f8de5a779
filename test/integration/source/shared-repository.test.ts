// Ten HelmReleases on one repository: the index is downloaded once per interval, not once per
// release, and a requested refresh of an unchanged index is a 304 that is not parsed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startChartServer, type ChartServer } from '../../support/chart-server.ts';
import { useControllers } from '../../support/in-process-controller.ts';
import { kubectl } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { waitFor } from '../../support/wait.ts';

const RELEASES = 10;

describe('a repository shared by ten HelmReleases', () => {
  const namespace = useNamespace('shared');
  useControllers(namespace);
  let server: ChartServer;
  before(async () => { server = await startChartServer(); });
  after(async () => { await server.close(); });

  it('is fetched once for all of them, and a refresh of the unchanged index is one 304', async () => {
    const docs = [`apiVersion: source.capstan.dev/v1\nkind: HelmRepository\nmetadata: {name: shared}\nspec: {url: "${server.url}", interval: 10m}\n`];
    for (let i = 0; i < RELEASES; i++) {
      docs.push(`apiVersion: helm.capstan.dev/v1\nkind: HelmRelease\nmetadata: {name: r${i}}\nspec:\n  interval: 10m\n  install: {disableWait: true}\n  chart: {spec: {chart: app, version: "1.x", sourceRef: {kind: HelmRepository, name: shared}}}\n`);
    }
    await kubectl(['apply', '-n', namespace.name, '-f', '-'], { input: docs.join('---\n') });
    await waitFor(`${RELEASES} releases Ready`, async () => {
      const out = await kubectl(['get', 'hr', '-n', namespace.name, '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}']);
      return out.stdout.split('\n').filter((s) => s === 'True').length === RELEASES ? true : undefined;
    }, { timeoutMs: 120_000, intervalMs: 500 });
    const indexRequests = () => server.requests.filter((r) => r.path === '/index.yaml');
    assert.deepEqual(indexRequests().map((r) => r.status), [200], 'one download for ten releases');
    const charts = server.requests.filter((r) => r.path.endsWith('.tgz'));
    assert.equal(new Set(charts.filter((r) => r.status === 200).map((r) => r.path)).size, 1, 'one chart version resolved for all');

    await kubectl(['annotate', '--overwrite', '-n', namespace.name, 'hrepo/shared', 'reconcile.capstan.dev/requestedAt=refresh']);
    await waitFor('the refresh', () => (indexRequests().length === 2 ? true : undefined), { timeoutMs: 30_000 });
    assert.equal(indexRequests()[1]?.status, 304);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(indexRequests().length, 2, 'the releases did not fetch the index themselves');
  });
});
