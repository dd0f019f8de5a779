// A HelmRelease over its life: dependencies, suspend and resume, adoption of a release made by
// hand, the release name, the reconcile annotations, and bounded retries.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { HelmRelease } from '../../../src/api/objects.ts';
import { fixtureChart } from '../../support/helm.ts';
import { condition, fixtureChartSpec, isReady, useHelmReleaseSuite } from '../../support/helmrelease.ts';
import { useControllers } from '../../support/in-process-controller.ts';
import { kubectl, kubectlJson } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { HELM_MAJORS } from '../../support/paths.ts';
import { keepsHolding } from '../../support/wait.ts';

const app = (values: Record<string, unknown> = {}, changes: Record<string, unknown> = {}) =>
  ({ interval: '10m', ...fixtureChartSpec('app', '1.0.0'), values, ...changes });
const revisionOf = (hr: HelmRelease) => hr.status?.history?.[0]?.version;

// Both majors at once: each suite has its own namespace, controllers and helm.
describe('HelmRelease lifecycle', { concurrency: true }, () => {
  for (const major of HELM_MAJORS) {
    describe(`with ${major.name}`, { concurrency: false }, () => {
      const namespace = useNamespace(`hrlife${major.name.slice(-1)}`);
      const running = useControllers(namespace, { helm: major });
      const suite = useHelmReleaseSuite(namespace, running, major);
      const { apply, waitHr, waitReason } = suite;
      const later = () => `${namespace.name}-later`;
      after(async () => { await kubectl(['delete', 'namespace', later(), '--wait=false', '--ignore-not-found'], { check: false }); });

      it('holds a dependent back with DependencyNotReady until its dependency is Ready, then installs it', async () => {
        // base cannot become Ready until its ConfigMap exists.
        await apply('base', app({}, { valuesFrom: [{ kind: 'ConfigMap', name: 'base-values' }] }));
        await apply('front', app({}, { dependsOn: [{ name: 'base' }] }));
        // The message follows what base says once base has said something.
        const waiting = await waitHr('front', 'DependencyNotReady naming why base is not Ready', (hr) =>
          condition(hr, 'Ready')?.reason === 'DependencyNotReady' && /\(now: ConfigMap .*base-values not found/.test(condition(hr, 'Ready')?.message ?? ''));
        assert.equal(condition(waiting, 'Ready')?.status, 'False');
        assert.match(condition(waiting, 'Ready')?.message ?? '', new RegExp(`^waiting for dependency ${namespace.name}/base to be Ready `));
        const helm = await suite.helm();
        const list = JSON.parse((await helm(['list', '-n', namespace.name, '-o', 'json'])).stdout) as unknown[];
        assert.deepEqual(list, [], 'nothing installed yet');

        await kubectl(['create', 'configmap', 'base-values', '-n', namespace.name, '--from-literal=values.yaml=config: {greeting: base}\n']);
        const front = await waitHr('front', 'Ready', isReady);
        const base = await suite.get('base');
        assert.equal(condition(front, 'Ready')?.reason, 'InstallSucceeded');
        const baseReadyAt = Date.parse(condition(base, 'Ready')?.lastTransitionTime ?? '');
        const frontDeployedAt = Date.parse(front.status?.history?.[0]?.firstDeployed ?? '');
        assert.ok(frontDeployedAt >= Math.floor(baseReadyAt / 1000) * 1000, 'front was installed after base became Ready');
      });

      it('stalls two HelmReleases that depend on each other, spelling the cycle out', async () => {
        await apply('ping', app({}, { dependsOn: [{ name: 'pong' }] }));
        await apply('pong', app({}, { dependsOn: [{ name: 'ping' }] }));
        for (const [name, other] of [['ping', 'pong'], ['pong', 'ping']] as const) {
          const hr = await waitReason(name, 'DependencyCycle');
          assert.equal(condition(hr, 'Ready')?.status, 'False');
          assert.equal(condition(hr, 'Stalled')?.status, 'True');
          const ns = namespace.name;
          assert.match(condition(hr, 'Stalled')?.message ?? '', new RegExp(`dependsOn forms a cycle: ${ns}/${name} -> ${ns}/${other} -> ${ns}/${name}; remove one of these dependencies`));
        }
        await kubectl(['delete', 'hr', 'ping', 'pong', '-n', namespace.name, '--timeout=60s']);
      });

      it('takes no action while suspended, and upgrades when resumed', async () => {
        await apply('paused', app({ config: { greeting: 'one' } }));
        await waitHr('paused', 'Ready', isReady);
        await apply('paused', app({ config: { greeting: 'one' } }, { suspend: true }));
        await apply('paused', app({ config: { greeting: 'two' } }, { suspend: true }));
        await keepsHolding('no new revision while suspended', 3000, async () =>
          (await suite.history('paused')).length === 1 && revisionOf(await suite.get('paused')) === 1);

        await apply('paused', app({ config: { greeting: 'two' } }));
        const hr = await waitHr('paused', 'revision 2', (h) => isReady(h) && revisionOf(h) === 2);
        assert.equal(condition(hr, 'Ready')?.reason, 'UpgradeSucceeded');
        const cm = await kubectlJson<{ data: Record<string, string> }>(['get', 'configmap', 'paused-app-config', '-n', namespace.name]);
        assert.deepEqual(JSON.parse(cm.data['values.json'] ?? '{}'), { greeting: 'two' });
      });

      it('keeps the release when a suspended HelmRelease is deleted', async () => {
        await apply('paused', app({ config: { greeting: 'two' } }, { suspend: true }));
        await kubectl(['delete', 'hr', 'paused', '-n', namespace.name, '--timeout=60s']);
        assert.deepEqual((await suite.history('paused')).map((h) => [h.revision, h.status]), [[1, 'superseded'], [2, 'deployed']]);
      });

      it('adopts a release installed by hand, upgrading it in place', async () => {
        const helm = await suite.helm();
        await helm(['install', 'adopted', fixtureChart('app', '1.0.0'), '-n', namespace.name, '--set', 'config.greeting=by-hand']);
        await apply('adopted', app({ config: { greeting: 'by-capstan' } }));
        const hr = await waitHr('adopted', 'Ready', isReady);
        assert.equal(condition(hr, 'Ready')?.reason, 'UpgradeSucceeded');
        assert.equal(revisionOf(hr), 2);
        const history = await suite.history('adopted');
        assert.deepEqual(history.map((h) => [h.revision, h.status]), [[1, 'superseded'], [2, 'deployed']], 'upgraded, not reinstalled');
        const cm = await kubectlJson<{ data: Record<string, string> }>(['get', 'configmap', 'adopted-app-config', '-n', namespace.name]);
        assert.deepEqual(JSON.parse(cm.data['values.json'] ?? '{}'), { greeting: 'by-capstan' });
      });

      it('adopts a release that already runs the desired chart and values without a new revision', async () => {
        const helm = await suite.helm();
        await helm(['install', 'matching', fixtureChart('app', '1.0.0'), '-n', namespace.name, '--set', 'config.greeting=same']);
        await apply('matching', app({ config: { greeting: 'same' } }));
        const hr = await waitHr('matching', 'Ready', isReady);
        assert.equal(condition(hr, 'Ready')?.reason, 'AdoptSucceeded');
        assert.match(condition(hr, 'Ready')?.message ?? '', /^adopted release \S+\/matching at revision 1 with app@1\.0\.0: it already runs the desired chart and values/);
        assert.equal(revisionOf(hr), 1);
        assert.deepEqual((await suite.history('matching')).map((h) => [h.revision, h.status]), [[1, 'deployed']], 'no helm upgrade');
        await suite.waitEvent('matching', 'Normal', 'AdoptSucceeded');
      });

      it('names the release after spec.releaseName', async () => {
        await apply('named', app({}, { releaseName: 'custom-name' }));
        const hr = await waitHr('named', 'Ready', isReady);
        assert.equal(hr.status?.history?.[0]?.name, 'custom-name');
        const helm = await suite.helm();
        const list = JSON.parse((await helm(['list', '-n', namespace.name, '-o', 'json'])).stdout) as { name: string }[];
        assert.ok(list.some((r) => r.name === 'custom-name'), 'helm lists custom-name');
        assert.ok(!list.some((r) => r.name === 'named'), 'no release named after the HelmRelease');
      });

      it('upgrades once when reconcile.capstan.dev/forceAt is set, though nothing changed', async () => {
        const before = await suite.get('named');
        assert.equal(revisionOf(before), 1);
        const at = new Date().toISOString();
        await suite.annotate('named', 'reconcile.capstan.dev/forceAt', at);
        const hr = await waitHr('named', 'revision 2', (h) => isReady(h) && revisionOf(h) === 2);
        assert.equal(hr.status?.lastHandledForceAt, at);
        assert.equal(condition(hr, 'Ready')?.reason, 'UpgradeSucceeded');
        assert.deepEqual((await suite.history('custom-name')).map((h) => h.revision), [1, 2]);
      });

      it('records reconcile.capstan.dev/requestedAt in status.lastHandledReconcileAt, without a helm action', async () => {
        const helm = await suite.helmCount();
        const at = new Date().toISOString();
        await suite.annotate('named', 'reconcile.capstan.dev/requestedAt', at);
        const hr = await waitHr('named', `lastHandledReconcileAt ${at}`, (h) => h.status?.lastHandledReconcileAt === at);
        assert.ok(isReady(hr));
        assert.equal(revisionOf(hr), 2);
        assert.equal(await suite.helmCount(), helm, 'an in-sync release needs no helm process');
      });

      it('stalls with RetriesExceeded once a failed install or upgrade has no retries left, and runs helm no more', async () => {
        // lost: the install fails before helm records anything. hung: the install times out and
        // leaves a failed revision. broken: an upgrade fails to render and leaves no revision.
        await apply('lost', app({}, { targetNamespace: later() }));
        await apply('hung', { interval: '10m', ...fixtureChartSpec('never-ready', '2.0.0'), install: { timeout: '3s' } });
        await apply('broken', { interval: '10m', ...fixtureChartSpec('broken', '1.0.0'), values: { explode: false } });
        await waitHr('broken', 'Ready', isReady);
        await apply('broken', { interval: '10m', ...fixtureChartSpec('broken', '1.0.0'), values: { explode: true } });
        for (const name of ['lost', 'hung', 'broken']) {
          const hr = await waitReason(name, 'RetriesExceeded', 60_000);
          assert.equal(condition(hr, 'Stalled')?.status, 'True', name);
          assert.equal(condition(hr, 'Ready')?.status, 'False', name);
          assert.match(condition(hr, 'Ready')?.message ?? '', /failed 1 time\(s\) and no retries are left: .*resetAt/, name);
        }
        const helm = await suite.helmCount();
        await keepsHolding('no helm process', 20_000, async () => (await suite.helmCount()) === helm);
      });

      it('tries a stalled install again when reconcile.capstan.dev/resetAt is set', async () => {
        const helm = await suite.helmCount();
        await kubectl(['create', 'namespace', later()]);
        const at = new Date().toISOString();
        await suite.annotate('lost', 'reconcile.capstan.dev/resetAt', at);
        const hr = await waitHr('lost', 'Ready', isReady);
        assert.equal(condition(hr, 'Ready')?.reason, 'InstallSucceeded');
        assert.equal(hr.status?.lastHandledResetAt, at);
        assert.equal(hr.status.installFailures, 0);
        assert.ok((await suite.helmCount()) > helm, 'helm ran again');
      });
    });
  }
});
