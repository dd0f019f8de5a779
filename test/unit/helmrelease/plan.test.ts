// plan(): observed state → next action, as a table.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  newestGoodRevision, plan, remediationFor, type Desired, type LastSnapshot, type Plan, type PlanInput, type RemediationPolicy,
} from '../../../src/helmrelease/plan.ts';

const desired: Desired = { chartName: 'app', chartVersion: '1.1.0', chartDigest: 'sha256:b', valuesDigest: 'sha256:v2' };
const inSync = { version: 3, status: 'deployed', chartName: 'app', chartVersion: '1.1.0', chartDigest: 'sha256:b', configDigest: 'sha256:v2' };
// What a rollback after a failed upgrade to `desired` leaves: revision 5 with revision 2's chart.
const rolledBack = { ...inSync, version: 5, chartVersion: '1.0.0', chartDigest: 'sha256:a', configDigest: 'sha256:v1' };
const passed = [{ name: 'app-test', phase: 'Succeeded' }];
const failedTests = [{ name: 'app-test', phase: 'Failed' }];
const base: PlanInput = {
  release: { revision: 3, status: 'deployed' }, last: inSync, desired, force: false, sameAsLastAttempt: true, lastAttemptedAction: 'upgrade',
  installFailures: 0, upgradeFailures: 0, installRetries: 0, upgradeRetries: 0, upgradeStrategy: 'rollback',
  tests: { enable: false, ignoreFailures: false }, remediationFailed: false,
};
const absent = { release: undefined, last: undefined, lastAttemptedAction: 'install' } as const;
const failedUpgrade = { release: { revision: 4, status: 'failed' }, last: { ...inSync, version: 4, status: 'failed' }, upgradeFailures: 1 } as const;
const withTests = (testHooks: typeof passed | undefined, ignoreFailures = false): Partial<PlanInput> =>
  ({ tests: { enable: true, ignoreFailures }, last: { ...inSync, ...(testHooks ? { testHooks } : {}) } });

const cases: [string, Partial<PlanInput>, Plan['action'], Record<string, unknown>?][] = [
  ['does nothing when chart, values and revision match the newest history entry', {}, 'none'],
  ['installs when there is no release', { ...absent, sameAsLastAttempt: false }, 'install', { replace: false, retry: false }],
  ['installs with replace over an uninstalled release whose history was kept', { release: { revision: 2, status: 'uninstalled' } }, 'install', { replace: true }],
  ['upgrades when the chart version changes', { desired: { ...desired, chartVersion: '2.0.0' }, sameAsLastAttempt: false }, 'upgrade', { cause: 'chart' }],
  ['upgrades when the same version was repackaged (digest changed)', { desired: { ...desired, chartDigest: 'sha256:c' }, sameAsLastAttempt: false }, 'upgrade', { cause: 'chart' }],
  ['upgrades when the values change', { desired: { ...desired, valuesDigest: 'sha256:v3' }, sameAsLastAttempt: false }, 'upgrade', { cause: 'values' }],
  ['adopts a release capstan never recorded by upgrading it in place', { last: undefined }, 'upgrade', { cause: 'adopt' }],
  ['adopts a release capstan never recorded as it is when it already runs the desired chart and values', { last: undefined, adoptable: true }, 'adopt'],
  ['upgrades a release someone changed with helm since capstan last did', { release: { revision: 4, status: 'deployed' } }, 'upgrade', { cause: 'out-of-band' }],
  ['upgrades when forced even if everything matches', { force: true }, 'upgrade', { cause: 'force' }],
  ['unlocks a release left pending-upgrade', { release: { revision: 4, status: 'pending-upgrade' } }, 'unlock', { status: 'pending-upgrade' }],
  ['unlocks a release left uninstalling', { release: { revision: 3, status: 'uninstalling' } }, 'unlock'],
  ['does nothing when in sync though an earlier attempt failed', { upgradeFailures: 1 }, 'none'],

  // Install failures and their remediation.
  ['stalls after a failed install with no retries left', { ...absent, installFailures: 1 }, 'stall', { reason: 'RetriesExceeded' }],
  ['retries a failed install while retries are left', { ...absent, installFailures: 1, installRetries: 2 }, 'install', { retry: true }],
  ['retries a failed install forever with negative retries', { ...absent, installFailures: 50, installRetries: -1 }, 'install', { retry: true }],
  ['installs again at once when the failed install had other inputs', { ...absent, installFailures: 3, sameAsLastAttempt: false }, 'install', { retry: false }],
  ['forces a stalled install when forceAt is set', { ...absent, installFailures: 4, force: true }, 'install'],
  ['stalls after an install that left a failed revision, with no retries, leaving it for inspection',
    { ...absent, release: { revision: 1, status: 'failed' }, installFailures: 1 }, 'stall', { reason: 'RetriesExceeded' }],
  ['uninstalls an install that left a failed revision before retrying it, when retries are configured',
    { ...absent, release: { revision: 1, status: 'failed' }, installFailures: 1, installRetries: 1 }, 'remediate', { strategy: 'uninstall', after: 'install' }],
  ['uninstalls the last failed install with remediateLastFailure, though no retries are left',
    { ...absent, release: { revision: 1, status: 'failed' }, installFailures: 1, installRemediateLastFailure: true }, 'remediate', { strategy: 'uninstall' }],
  ['stalls once retries are exhausted and the last failed install is kept',
    { ...absent, release: { revision: 1, status: 'failed' }, installFailures: 3, installRetries: 2 }, 'stall', { reason: 'RetriesExceeded' }],
  ['adopts a failed release capstan never tried to install', { ...absent, release: { revision: 1, status: 'failed' } }, 'upgrade', { cause: 'adopt' }],

  // Upgrade failures and their remediation.
  ['stalls after a failed upgrade with no retries (the failed revision is kept, never uninstalled)', failedUpgrade, 'stall', { reason: 'RetriesExceeded' }],
  ['rolls a failed upgrade back to the newest good revision while retries are left',
    { ...failedUpgrade, upgradeRetries: 1, goodRevision: 3 }, 'remediate', { strategy: 'rollback', revision: 3, after: 'upgrade' }],
  ['rolls the last failed upgrade back too when retries are configured (remediateLastFailure defaults to true)',
    { ...failedUpgrade, upgradeFailures: 2, upgradeRetries: 1, goodRevision: 3 }, 'remediate', { strategy: 'rollback', revision: 3 }],
  ['keeps the last failed upgrade with remediateLastFailure: false',
    { ...failedUpgrade, upgradeFailures: 2, upgradeRetries: 1, goodRevision: 3, upgradeRemediateLastFailure: false }, 'stall'],
  ['rolls back with no retries when remediateLastFailure is set', { ...failedUpgrade, goodRevision: 3, upgradeRemediateLastFailure: true }, 'remediate', { strategy: 'rollback' }],
  ['uninstalls a failed upgrade only under strategy: uninstall', { ...failedUpgrade, upgradeRetries: 1, upgradeStrategy: 'uninstall', goodRevision: 3 }, 'remediate', { strategy: 'uninstall' }],
  ['retries over a failed upgrade when there is no good revision to roll back to', { ...failedUpgrade, upgradeRetries: 1 }, 'upgrade', { cause: 'retry' }],
  ['recognises its failed upgrade when history has not recorded the revision yet',
    { ...failedUpgrade, last: inSync, upgradeRetries: 1, goodRevision: 3 }, 'remediate', { strategy: 'rollback', revision: 3 }],
  ['upgrades again after a rollback while retries are left',
    { release: { revision: 5, status: 'deployed' }, last: rolledBack, upgradeFailures: 1, upgradeRetries: 1 }, 'upgrade', { cause: 'chart' }],
  ['stalls after a rollback once retries are exhausted, with no helm call',
    { release: { revision: 5, status: 'deployed' }, last: rolledBack, upgradeFailures: 2, upgradeRetries: 1 }, 'stall', { reason: 'RetriesExceeded' }],
  ['upgrades a rolled back release at once when the chart or values changed since',
    { release: { revision: 5, status: 'deployed' }, last: rolledBack, upgradeFailures: 2, upgradeRetries: 1, sameAsLastAttempt: false }, 'upgrade', { cause: 'chart' }],
  ['installs again after an uninstall remediation of an upgrade while retries are left',
    { release: undefined, last: undefined, upgradeFailures: 1, upgradeRetries: 1 }, 'install', { retry: true }],
  ['stalls after an uninstall remediation of an upgrade once retries are exhausted',
    { release: undefined, last: undefined, upgradeFailures: 2, upgradeRetries: 1 }, 'stall', { reason: 'RetriesExceeded' }],
  ['stalls after an upgrade that failed before helm recorded a revision, with no retries left',
    { desired: { ...desired, valuesDigest: 'sha256:v3' }, upgradeFailures: 1 }, 'stall', { reason: 'RetriesExceeded' }],
  ['retries an upgrade that failed before helm recorded a revision while retries are left',
    { desired: { ...desired, valuesDigest: 'sha256:v3' }, upgradeFailures: 1, upgradeRetries: 1 }, 'upgrade', { cause: 'values' }],
  ['upgrades a failed release when the inputs changed', { ...failedUpgrade, upgradeFailures: 5, sameAsLastAttempt: false, desired: { ...desired, valuesDigest: 'sha256:v9' } }, 'upgrade', { cause: 'values' }],
  ['tries a failed upgrade again once its failures are no longer counted (resetAt)', { ...failedUpgrade, upgradeFailures: 0 }, 'upgrade', { cause: 'retry' }],
  ['never calls a failed revision in sync, though its chart and values are the desired ones',
    { ...failedUpgrade, upgradeFailures: 3, sameAsLastAttempt: false }, 'upgrade', { cause: 'retry' }],
  ['stalls when the remediation itself failed, instead of trying it again',
    { ...failedUpgrade, upgradeRetries: 3, goodRevision: 3, remediationFailed: true }, 'stall', { reason: 'RemediationFailed' }],

  // Tests.
  ['tests a revision whose tests have not run (a crash between upgrade and test)', withTests(undefined), 'test', { after: 'upgrade' }],
  ['does nothing once the tests of the revision passed', withTests(passed), 'none'],
  ['does not test when tests are disabled', { last: inSync }, 'none'],
  ['does nothing after failed tests with ignoreFailures', withTests(failedTests, true), 'none'],
  ['upgrades before testing when the inputs changed', { ...withTests(undefined), desired: { ...desired, valuesDigest: 'sha256:v3' }, sameAsLastAttempt: false }, 'upgrade'],
  ['rolls back an upgrade whose tests failed while retries are left',
    { ...withTests(failedTests), upgradeFailures: 1, upgradeRetries: 1, goodRevision: 2 }, 'remediate', { strategy: 'rollback', revision: 2 }],
  ['stalls after an upgrade whose tests failed with no retries left', { ...withTests(failedTests), upgradeFailures: 1 }, 'stall', { reason: 'RetriesExceeded' }],
  ['uninstalls an install whose tests failed when install retries are configured',
    { ...withTests(failedTests), lastAttemptedAction: 'install', installFailures: 1, installRetries: 1 }, 'remediate', { strategy: 'uninstall', after: 'install' }],
  ['runs failed tests again once their failure is no longer counted (resetAt)', withTests(failedTests), 'test'],
];

describe('plan', () => {
  for (const [name, overrides, action, fields] of cases) {
    it(name, () => {
      const result = plan({ ...base, ...overrides });
      assert.equal(result.action, action, JSON.stringify(result));
      for (const [k, v] of Object.entries(fields ?? {})) assert.equal((result as Record<string, unknown>)[k], v, k);
    });
  }

  it('tells the user how to get out of a stall', () => {
    const result = plan({ ...base, ...absent, installFailures: 1 });
    assert.ok(result.action === 'stall');
    assert.match(result.message, /resetAt.*forceAt/);
  });
});

describe('remediationFor', () => {
  const policy: RemediationPolicy = { installRetries: 0, upgradeRetries: 0, upgradeStrategy: 'rollback' };
  const table: [string, Parameters<typeof remediationFor>, ReturnType<typeof remediationFor>][] = [
    ['leaves a failed install without retries alone', ['install', 1, policy, undefined], undefined],
    ['uninstalls between install attempts', ['install', 1, { ...policy, installRetries: 1 }, undefined], { strategy: 'uninstall' }],
    ['uninstalls between install attempts forever with negative retries', ['install', 99, { ...policy, installRetries: -1 }, undefined], { strategy: 'uninstall' }],
    ['leaves a failed upgrade without retries alone', ['upgrade', 1, policy, 3], undefined],
    ['rolls back to the good revision', ['upgrade', 1, { ...policy, upgradeRetries: 2 }, 3], { strategy: 'rollback', revision: 3 }],
    ['never uninstalls a failed upgrade under the default strategy, even with nothing to roll back to', ['upgrade', 1, { ...policy, upgradeRetries: 2 }, undefined], undefined],
  ];
  for (const [name, args, expected] of table) it(name, () => { assert.deepEqual(remediationFor(...args), expected); });
});

describe('newestGoodRevision', () => {
  const snap = (version: number, status: string, testHooks?: typeof passed): LastSnapshot =>
    ({ ...inSync, version, status, ...(testHooks ? { testHooks } : {}) });
  const history = [snap(6, 'failed'), snap(5, 'deployed', failedTests), snap(4, 'deployed', passed), snap(3, 'deployed')];
  const all = () => true;

  it('is the newest deployed revision older than the failed one whose tests did not fail', () => {
    assert.equal(newestGoodRevision(history, 6, all, false), 4);
  });
  it('counts a revision with failed tests as good when test failures are ignored', () => {
    assert.equal(newestGoodRevision(history, 6, all, true), 5);
  });
  it('skips revisions helm no longer keeps', () => {
    assert.equal(newestGoodRevision(history, 6, (r) => r !== 4, false), 3);
  });
  it('is undefined when nothing good is left', () => {
    assert.equal(newestGoodRevision([snap(1, 'failed')], 1, all, false), undefined);
  });
});
