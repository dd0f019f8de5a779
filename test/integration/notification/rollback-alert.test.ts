// End to end, with the controller as a real process (helm 3 and 4): an upgrade to a chart whose
// pods never become ready is rolled back automatically, and a generic endpoint and a Slack-format
// endpoint each get exactly one rollback alert with the versions, revisions and cause. No log
// line, event, status or alert carries a value of the suite's Secrets.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { HelmRelease } from '../../../src/api/objects.ts';
import { startChartServer, type ChartServer } from '../../support/chart-server.ts';
import { startController, type ControllerProcess } from '../../support/controller-process.ts';
import { condition, fixtureChartSpec } from '../../support/helmrelease.ts';
import { kubectl, kubectlJson } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { HELM_MAJORS } from '../../support/paths.ts';
import { keepsHolding, waitFor } from '../../support/wait.ts';
import { applyAll, notificationObject, secretObject, startSink, waitReady, writtenText, type Received, type Sink } from './support.ts';

const SECRETS = { token: 'alert-token-41d07b', value: 'values-secret-e5a9f3' };

interface ClusterEvent {
  reason: string;
  eventTime: string;
  regarding: { name: string };
}

const reasonOf = (r: Received) => (JSON.parse(r.body) as { reason?: string; attachments?: { title: string }[] }).reason;

for (const major of HELM_MAJORS) {
  describe(`rollback alert with ${major.name}`, () => {
    const namespace = useNamespace(`alert${major.name.slice(-1)}`);
    let charts: ChartServer;
    let sink: Sink;
    let controller: ControllerProcess;
    const neverReady = (version: string) => ({
      interval: '10m', ...fixtureChartSpec('never-ready', version),
      // One retry, and the last failure left as it is: exactly one rollback.
      upgrade: { timeout: '15s', remediation: { retries: 1, remediateLastFailure: false } },
      valuesFrom: [{ kind: 'Secret', name: 'web-values', valuesKey: 'password', targetPath: 'config.password' }],
    });
    const applyHr = (version: string) => kubectl(['apply', '-n', namespace.name, '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'helm.capstan.dev/v1', kind: 'HelmRelease', metadata: { name: 'web' }, spec: neverReady(version) }),
    });
    const getHr = () => kubectlJson<HelmRelease>(['get', 'hr', 'web', '-n', namespace.name]);

    before(async () => {
      charts = await startChartServer();
      sink = await startSink();
      controller = await startController(['--watch-namespace', namespace.name, '--helm-binary', major.binary]);
      await applyAll(namespace.name, [
        { apiVersion: 'source.capstan.dev/v1', kind: 'HelmRepository', metadata: { name: 'fixtures' }, spec: { url: charts.url, interval: '10m' } },
        secretObject('web-values', { password: SECRETS.value }),
        secretObject('generic-endpoint', { address: sink.listen('/generic'), token: SECRETS.token }),
        notificationObject('Provider', 'generic', { type: 'generic', secretRef: { name: 'generic-endpoint' } }),
        notificationObject('Provider', 'slack', { type: 'slack', address: sink.listen('/slack'), channel: '#deploys' }),
        ...['generic', 'slack'].map((p) => notificationObject('Alert', p, { providerRef: { name: p }, eventSeverity: 'error', eventSources: [{ kind: 'HelmRelease', name: '*' }] })),
      ]);
      await waitReady(namespace.name, 'Alert', 'generic');
      await waitReady(namespace.name, 'Alert', 'slack');
    });
    after(async () => {
      await controller.stop();
      await kubectl(['patch', 'hr', 'web', '-n', namespace.name, '--type=merge', '-p', '{"metadata":{"finalizers":null}}'], { check: false });
      await sink.close();
      await charts.close();
    });

    it('sends one rollback alert to each endpoint, with versions, revisions and cause', async () => {
      await applyHr('1.0.0');
      await waitFor('web Ready at 1.0.0', async () => (condition(await getHr(), 'Ready')?.status === 'True' ? true : undefined), { timeoutMs: 90_000 });
      await applyHr('2.0.0');
      const rollbacks = (path: string) => sink.on(path).filter((r) => (path === '/generic' ? reasonOf(r) === 'RollbackSucceeded' : r.body.includes('Rolled back')));
      // The upgrade times out after 15 s, then the rollback runs.
      await waitFor('the rollback alerts', () => (rollbacks('/generic').length > 0 && rollbacks('/slack').length > 0 ? true : undefined), { timeoutMs: 150_000, intervalMs: 50 });
      // The retry fails too and is left as it is: still no second rollback alert.
      await waitFor('the retry to stall', async () => (condition(await getHr(), 'Stalled')?.status === 'True' ? true : undefined), { timeoutMs: 120_000 });
      await keepsHolding('one rollback alert each', 2000, () => rollbacks('/generic').length === 1 && rollbacks('/slack').length === 1);

      const events = await kubectlJson<{ items: ClusterEvent[] }>(['get', 'events.events.k8s.io', '-n', namespace.name]);
      const event = events.items.find((e) => e.reason === 'RollbackSucceeded' && e.regarding.name === 'web');
      assert.ok(event, 'the RollbackSucceeded event');
      const [generic] = rollbacks('/generic');
      const [slack] = rollbacks('/slack');
      assert.ok(generic && slack);
      const eventAt = Date.parse(event.eventTime);
      console.log(`${major.name}: rollback event at ${event.eventTime}; generic alert ${generic.at - eventAt} ms later, Slack alert ${slack.at - eventAt} ms later`);

      const g = JSON.parse(generic.body) as { severity: string; metadata: Record<string, string> };
      assert.equal(g.severity, 'error');
      assert.equal(g.metadata.release, `${namespace.name}/web`);
      assert.equal(g.metadata.chart, 'never-ready');
      assert.equal(g.metadata.fromVersion, '2.0.0', 'the failed version');
      assert.equal(g.metadata.toVersion, '1.0.0', 'the version restored');
      assert.equal(g.metadata.fromRevision, '2');
      assert.equal(g.metadata.toRevision, '3');
      assert.ok(g.metadata.cause && g.metadata.cause.length > 0, 'the cause of the failed upgrade');

      const s = JSON.parse(slack.body) as { text: string; attachments: { fields: { title: string; value: string }[] }[] };
      console.log(`${major.name} Slack payload:\n${JSON.stringify(s, null, 2)}`);
      assert.match(s.text, new RegExp(`^Rolled back ${namespace.name}/web: upgrade never-ready 1\\.0\\.0 → 2\\.0\\.0 failed \\(.+\\); now at revision 3 \\(never-ready 1\\.0\\.0\\)$`));
      const fields = Object.fromEntries((s.attachments[0]?.fields ?? []).map((f) => [f.title, f.value]));
      assert.equal(fields.Version, '2.0.0 → 1.0.0');
      assert.equal(fields.Revision, '2 → 3');
      assert.equal(fields.Cause, g.metadata.cause);
    });

    it('writes no Secret value to a log line, an event, a status or an alert', async () => {
      const written = [await writtenText(namespace.name), JSON.stringify(controller.logs), ...sink.received.map((r) => r.body)].join('\n');
      assert.ok(controller.logs.length > 0);
      for (const value of Object.values(SECRETS)) assert.ok(!written.includes(value), 'a Secret value was written');
    });
  });
}
