// SIGTERM during a long helm upgrade: the controller stops taking work, helm is told to stop
// (it cancels and marks the release failed), the reconcile comes back, and the process exits by
// itself; no release is left pending.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startChartServer, type ChartServer } from '../../support/chart-server.ts';
import { startController } from '../../support/controller-process.ts';
import { isolatedHelm } from '../../support/helm.ts';
import { kubectl } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { HELM_MAJORS } from '../../support/paths.ts';
import { waitFor } from '../../support/wait.ts';

for (const major of HELM_MAJORS) {
  describe(`graceful shutdown with ${major.name}`, () => {
    const namespace = useNamespace(`shutdown${major.name.slice(-1)}`);
    let server: ChartServer;
    before(async () => { server = await startChartServer(); });
    after(async () => { await server.close(); });

    it('leaves the release failed, not pending-upgrade, when SIGTERM arrives mid-upgrade', async () => {
      const hr = (version: string) => `apiVersion: helm.capstan.dev/v1
kind: HelmRelease
metadata: {name: slow, namespace: ${namespace.name}}
spec:
  interval: 60m
  upgrade: {timeout: 5m}
  chart: {spec: {chart: never-ready, version: "${version}", sourceRef: {kind: HelmRepository, name: fixtures}}}
`;
      await kubectl(['apply', '-f', '-'], { input: `apiVersion: source.capstan.dev/v1\nkind: HelmRepository\nmetadata: {name: fixtures, namespace: ${namespace.name}}\nspec: {url: "${server.url}"}\n---\n${hr('1.0.0')}` });
      const controller = await startController(['--watch-namespace', namespace.name, '--helm-binary', major.binary, '--graceful-shutdown-timeout', '30s']);
      await kubectl(['wait', '--for=condition=Ready', 'hr/slow', '-n', namespace.name, '--timeout=90s']);
      await kubectl(['apply', '-f', '-'], { input: hr('2.0.0') });
      const helm = await isolatedHelm(major);
      const newest = async () => (JSON.parse((await helm(['history', 'slow', '-n', namespace.name, '-o', 'json'])).stdout) as { revision: number; status: string }[]).at(-1);
      await waitFor('the upgrade to be running', async () => ((await newest())?.status === 'pending-upgrade' ? true : undefined), { timeoutMs: 60_000, intervalMs: 100 });

      const stopped = Date.now();
      const exit = await controller.stop('SIGTERM');
      const exitMs = Date.now() - stopped;
      const said = (msg: string) => controller.logs.some((l) => l.msg === msg);
      const lastWords = JSON.stringify(controller.logs.slice(-8).map((l) => l.msg));
      // Exiting by itself, after the upgrade's reconcile came back: not killed by the signal
      // with its helm call cut off and its status unwritten.
      assert.deepEqual(exit, { exitCode: 0, signal: undefined }, `the controller exited by itself; its last lines: ${lastWords}`);
      assert.ok(said('shutting down: no new work, waiting for in-flight work'), `it logged its shutdown; its last lines: ${lastWords}`);
      assert.ok(said('reconcile cut short: the controller is stopping; it runs again when a controller next starts or leads'),
        `it waited for the upgrade's reconcile; its last lines: ${lastWords}`);
      const last = await newest();
      assert.equal(last?.revision, 2);
      assert.equal(last.status, 'failed');
      console.log(`SIGTERM mid-upgrade (${major.name}): controller exited after ${exitMs} ms, release revision 2 ${last.status}`);
      const status = JSON.parse((await kubectl(['get', 'hr', 'slow', '-n', namespace.name, '-o', 'json'])).stdout) as { status: { upgradeFailures?: number } };
      assert.equal(status.status.upgradeFailures ?? 0, 0, 'a cancelled upgrade is not counted as a failure');
    });
  });
}
