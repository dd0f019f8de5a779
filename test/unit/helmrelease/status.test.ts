// The status after tests and remediations: what counts as a failure, what resets the counters.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HelmReleaseStatus, Snapshot } from '../../../src/api/helmrelease.ts';
import { factsMetadata } from '../../../src/helmrelease/events.ts';
import { attempting, released, remediated, tested, type StatusContext } from '../../../src/helmrelease/status.ts';

const ctx: StatusContext = { generation: 2, now: '2026-11-24T08:00:00Z', handled: {} };
const snapshot: Snapshot = { name: 'web', namespace: 'demo', version: 2, status: 'deployed', chartName: 'app', chartVersion: '1.1.0', configDigest: 'sha256:v' };
const failing: HelmReleaseStatus = { upgradeFailures: 1, failures: 1, history: [{ ...snapshot, version: 1 }] };
const type = (s: HelmReleaseStatus, t: string) => s.conditions?.find((c) => c.type === t);

describe('HelmRelease status', () => {
  it('keeps the failure counters while the tests of a new revision are pending', () => {
    const s = released(failing, 'UpgradeSucceeded', 'upgraded', snapshot, ctx, true);
    assert.equal(s.upgradeFailures, 1);
    assert.equal(type(s, 'Ready')?.status, 'Unknown');
    assert.equal(type(s, 'Reconciling')?.reason, 'TestsPending');
    assert.equal(s.history?.[0]?.version, 2);
  });

  it('counts failed tests as a failed upgrade, recording each hook in the tested revision', () => {
    const pending = released(failing, 'UpgradeSucceeded', 'upgraded', snapshot, ctx, true);
    const s = tested(pending, 2, [{ name: 't', phase: 'Failed' }], 'failed', 'upgrade', 'tests failed', ctx);
    assert.equal(s.upgradeFailures, 2);
    assert.deepEqual(s.history?.[0]?.testHooks, [{ name: 't', phase: 'Failed' }]);
    assert.equal(type(s, 'TestSuccess')?.status, 'False');
    assert.equal(type(s, 'Ready')?.reason, 'TestFailed');
    assert.equal(type(s, 'Released')?.status, 'True', 'the release itself was deployed');
  });

  it('resets the counters and is Ready once the tests pass', () => {
    const pending = released(failing, 'UpgradeSucceeded', 'upgraded', snapshot, ctx, true);
    const s = tested(pending, 2, [{ name: 't', phase: 'Succeeded' }], 'passed', 'upgrade', 'tests passed', ctx);
    assert.equal(s.upgradeFailures, 0);
    assert.equal(type(s, 'Ready')?.status, 'True');
    assert.equal(type(s, 'TestSuccess')?.reason, 'TestSucceeded');
  });

  it('keeps the counters after a rollback and reports it in Remediated, Ready still False', () => {
    const s = remediated(failing, { ok: true, reason: 'RollbackSucceeded', message: 'rolled back', snapshot: { ...snapshot, version: 3 } }, ctx);
    assert.equal(s.upgradeFailures, 1);
    assert.equal(type(s, 'Remediated')?.status, 'True');
    assert.equal(type(s, 'Ready')?.status, 'False');
    assert.equal(s.history?.[0]?.version, 3);
  });

  it('forgets the last remediation when a new attempt starts', () => {
    const s = remediated(failing, { ok: false, reason: 'RollbackFailed', message: 'no' }, ctx);
    assert.equal(type(attempting(s, 'upgrade', { chartVersion: '1.1.0', valuesDigest: 'sha256:v' }), 'Remediated'), undefined);
  });
});

describe('event facts', () => {
  it('are flat strings, with test results as hook=phase', () => {
    assert.deepEqual(factsMetadata({
      release: 'demo/web', chart: 'app', from: { chartVersion: '1.0.0', version: 1 }, toVersion: '1.1.0', toRevision: 2,
      valuesDigest: 'sha256:v', tests: [{ name: 'a', phase: 'Succeeded' }, { name: 'b', phase: 'Failed' }],
    }), {
      release: 'demo/web', chart: 'app', fromVersion: '1.0.0', fromRevision: '1', toVersion: '1.1.0', toRevision: '2',
      valuesDigest: 'sha256:v', testResults: 'a=Succeeded,b=Failed',
    });
  });
});
