// helm tests after every install and upgrade (spec.test): each test hook's result in the newest
// history entry and in TestSuccess, a failing test counted as a failed release (and remediated),
// ignoreFailures, filters, and tests that a crash left unrun.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HelmRelease } from '../../../src/api/objects.ts';
import { condition, fixtureChartSpec, isReady, useHelmReleaseSuite } from '../../support/helmrelease.ts';
import { useControllers } from '../../support/in-process-controller.ts';
import { kubectl } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { HELM_MAJORS } from '../../support/paths.ts';

const app = (version: string, outcome: 'pass' | 'fail', changes: Record<string, unknown> = {}) =>
  ({ interval: '10m', ...fixtureChartSpec('app', version), values: { test: { outcome } }, test: { enable: true, timeout: '1m' }, ...changes });
const newest = (hr: HelmRelease) => hr.status?.history?.[0];
const annotation = (e: { metadata: { annotations?: Record<string, string> } }, key: string) => e.metadata.annotations?.[`event.capstan.dev/${key}`];

describe('HelmRelease tests', { concurrency: true }, () => {
  for (const major of HELM_MAJORS) {
    describe(`with ${major.name}`, { concurrency: false }, () => {
      const namespace = useNamespace(`hrtest${major.name.slice(-1)}`);
      const running = useControllers(namespace, { helm: major });
      const suite = useHelmReleaseSuite(namespace, running, major);
      const { apply, waitHr, waitReason } = suite;

      it('runs the tests after an install and records each test hook in history and TestSuccess', async () => {
        await apply('pass', app('1.0.0', 'pass'));
        const hr = await waitHr('pass', 'Ready after its tests', (h) => isReady(h) && newest(h)?.testHooks !== undefined);
        assert.equal(condition(hr, 'Ready')?.reason, 'TestSucceeded');
        assert.equal(condition(hr, 'TestSuccess')?.status, 'True');
        const [hook, ...others] = newest(hr)?.testHooks ?? [];
        assert.deepEqual(others, []);
        assert.equal(hook?.name, 'pass-app-test');
        assert.equal(hook.phase, 'Succeeded');
        assert.ok(Date.parse(hook.startedAt ?? '') <= Date.parse(hook.completedAt ?? ''), 'started and completed are recorded');

        const event = await suite.waitEvent('pass', 'Normal', 'TestSucceeded');
        assert.equal(annotation(event, 'testResults'), 'pass-app-test=Succeeded');
        assert.equal(annotation(event, 'toRevision'), '1');
        assert.equal(annotation(event, 'chart'), 'app');
      });

      it('runs the tests after an upgrade, for the new revision', async () => {
        await apply('pass', app('1.1.0', 'pass'));
        const hr = await waitHr('pass', 'revision 2 tested', (h) => isReady(h) && newest(h)?.version === 2 && newest(h)?.testHooks !== undefined);
        assert.equal(newest(hr)?.chartVersion, '1.1.0');
        assert.equal(newest(hr)?.testHooks?.[0]?.phase, 'Succeeded');
        assert.equal(condition(hr, 'TestSuccess')?.status, 'True');
      });

      it('counts a failing test after an install as a failed install, and stalls with no retries left', async () => {
        await apply('failing', app('1.0.0', 'fail'));
        const hr = await waitReason('failing', 'RetriesExceeded');
        assert.equal(condition(hr, 'Stalled')?.status, 'True');
        assert.equal(condition(hr, 'TestSuccess')?.status, 'False');
        assert.equal(condition(hr, 'TestSuccess')?.reason, 'TestFailed');
        assert.equal(hr.status?.installFailures, 1);
        assert.equal(newest(hr)?.testHooks?.[0]?.phase, 'Failed');
        const event = await suite.waitEvent('failing', 'Warning', 'TestFailed');
        assert.equal(annotation(event, 'testResults'), 'failing-app-test=Failed');
        // No retries configured: the release is left for inspection, not uninstalled.
        assert.deepEqual((await suite.history('failing')).map((h) => h.status), ['deployed']);
      });

      it('counts a failing test after an upgrade as a failed upgrade and rolls back to the tested revision', async () => {
        await apply('pass', app('1.1.0', 'fail', { upgrade: { remediation: { retries: 0, remediateLastFailure: true } } }));
        const hr = await waitReason('pass', 'RetriesExceeded');
        assert.equal(condition(hr, 'Remediated')?.reason, 'RollbackSucceeded');
        assert.equal(condition(hr, 'TestSuccess')?.status, 'False');
        assert.equal(hr.status?.upgradeFailures, 1);
        // Revision 3 failed its tests; revision 4 is revision 2 again.
        assert.deepEqual((await suite.history('pass')).map((h) => [h.revision, h.status]), [[1, 'superseded'], [2, 'superseded'], [3, 'superseded'], [4, 'deployed']]);
        assert.equal(newest(hr)?.version, 4);
        assert.equal(newest(hr)?.configDigest, hr.status.history?.find((s) => s.version === 2)?.configDigest);
        const event = await suite.waitEvent('pass', 'Warning', 'RollbackSucceeded');
        assert.equal(annotation(event, 'fromRevision'), '3');
        assert.equal(annotation(event, 'toRevision'), '4');
      });

      it('keeps the release Ready when a test fails under ignoreFailures', async () => {
        await apply('lenient', app('1.0.0', 'fail', { test: { enable: true, ignoreFailures: true } }));
        const hr = await waitHr('lenient', 'tested', (h) => isReady(h) && newest(h)?.testHooks !== undefined);
        assert.equal(condition(hr, 'TestSuccess')?.status, 'False');
        assert.equal(newest(hr)?.testHooks?.[0]?.phase, 'Failed');
        assert.equal(hr.status?.installFailures, 0);
      });

      it('runs only the tests that the filters select', async () => {
        await apply('filtered', app('1.0.0', 'fail', { test: { enable: true, filters: [{ name: 'filtered-app-test', exclude: true }] } }));
        const hr = await waitHr('filtered', 'tested', (h) => isReady(h) && newest(h)?.testHooks !== undefined);
        assert.deepEqual(newest(hr)?.testHooks, [], 'the failing test was not run');
        assert.equal(condition(hr, 'TestSuccess')?.status, 'True');
      });

      it('runs the tests of a revision whose tests have not run yet (as after a crash between upgrade and test)', async () => {
        await apply('lenient', app('1.0.0', 'pass'));
        const upgraded = await waitHr('lenient', 'revision 2 tested', (h) => isReady(h) && newest(h)?.version === 2 && newest(h)?.testHooks !== undefined);
        // What a crash right after the upgrade leaves: revision 2 recorded, its tests not.
        const history = (upgraded.status?.history ?? []).map((s, i) => (i === 0 ? { ...s, testHooks: undefined } : s));
        await kubectl(['patch', 'hr', 'lenient', '-n', namespace.name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { history } })]);
        await suite.annotate('lenient', 'reconcile.capstan.dev/requestedAt', new Date().toISOString());
        const hr = await waitHr('lenient', 'revision 2 tested again', (h) => newest(h)?.version === 2 && newest(h)?.testHooks?.[0]?.phase === 'Succeeded');
        assert.ok(isReady(hr));
        assert.deepEqual((await suite.history('lenient')).map((h) => h.revision), [1, 2], 'tested, not upgraded again');
      });
    });
  }
});
