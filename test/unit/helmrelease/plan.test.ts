// plan(): observed state → next action, as a table.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plan, type Desired, type Plan, type PlanInput } from '../../../src/helmrelease/plan.ts';

const desired: Desired = { chartName: 'app', chartVersion: '1.1.0', chartDigest: 'sha256:b', valuesDigest: 'sha256:v2' };
const inSync = { version: 3, status: 'deployed', chartName: 'app', chartVersion: '1.1.0', chartDigest: 'sha256:b', configDigest: 'sha256:v2' };
const base: PlanInput = {
  release: { revision: 3, status: 'deployed' }, last: inSync, desired, force: false, sameAsLastAttempt: true,
  installFailures: 0, upgradeFailures: 0, installRetries: 0, upgradeRetries: 0,
};

const cases: [string, Partial<PlanInput>, Plan['action'], Record<string, unknown>?][] = [
  ['does nothing when chart, values and revision match the newest history entry', {}, 'none'],
  ['installs when there is no release', { release: undefined, last: undefined, sameAsLastAttempt: false }, 'install', { replace: false, retry: false }],
  ['installs with replace over an uninstalled release whose history was kept', { release: { revision: 2, status: 'uninstalled' } }, 'install', { replace: true }],
  ['upgrades when the chart version changes', { desired: { ...desired, chartVersion: '2.0.0' }, sameAsLastAttempt: false }, 'upgrade', { cause: 'chart' }],
  ['upgrades when the same version was repackaged (digest changed)', { desired: { ...desired, chartDigest: 'sha256:c' }, sameAsLastAttempt: false }, 'upgrade', { cause: 'chart' }],
  ['upgrades when the values change', { desired: { ...desired, valuesDigest: 'sha256:v3' }, sameAsLastAttempt: false }, 'upgrade', { cause: 'values' }],
  ['adopts a release capstan never recorded by upgrading it in place', { last: undefined }, 'upgrade', { cause: 'adopt' }],
  ['upgrades a release someone changed with helm since capstan last did', { release: { revision: 4, status: 'deployed' } }, 'upgrade', { cause: 'out-of-band' }],
  ['upgrades when forced even if everything matches', { force: true }, 'upgrade', { cause: 'force' }],
  ['unlocks a release left pending-upgrade', { release: { revision: 4, status: 'pending-upgrade' } }, 'unlock', { status: 'pending-upgrade' }],
  ['unlocks a release left uninstalling', { release: { revision: 3, status: 'uninstalling' } }, 'unlock'],
  ['stalls after a failed install with no retries left', { release: undefined, last: undefined, installFailures: 1 }, 'stall', { reason: 'RetriesExceeded' }],
  ['retries a failed install while retries are left', { release: undefined, last: undefined, installFailures: 1, installRetries: 2 }, 'install', { retry: true }],
  ['retries a failed install forever with negative retries', { release: undefined, last: undefined, installFailures: 50, installRetries: -1 }, 'install', { retry: true }],
  ['installs again at once when the failed install had other inputs', { release: undefined, last: undefined, installFailures: 3, sameAsLastAttempt: false }, 'install', { retry: false }],
  ['stalls after a failed upgrade of the same inputs with no retries left', { release: { revision: 3, status: 'failed' }, upgradeFailures: 1 }, 'stall'],
  ['retries a failed upgrade while retries are left', { release: { revision: 3, status: 'failed' }, upgradeFailures: 1, upgradeRetries: 1 }, 'upgrade', { cause: 'retry' }],
  ['upgrades a failed release when the inputs changed', { release: { revision: 3, status: 'failed' }, upgradeFailures: 5, sameAsLastAttempt: false, desired: { ...desired, valuesDigest: 'sha256:v9' } }, 'upgrade', { cause: 'values' }],
  ['stalls after an install that left a failed revision, with no retries left', { release: { revision: 1, status: 'failed' }, last: undefined, installFailures: 1 }, 'stall', { reason: 'RetriesExceeded' }],
  ['retries an install that left a failed revision by installing over it', { release: { revision: 1, status: 'failed' }, last: undefined, installFailures: 1, installRetries: 1 }, 'install', { replace: true, retry: true }],
  ['adopts a failed release capstan never tried to install', { release: { revision: 1, status: 'failed' }, last: undefined, installFailures: 0 }, 'upgrade', { cause: 'adopt' }],
  ['stalls after an upgrade that failed before helm recorded a revision, with no retries left', { desired: { ...desired, valuesDigest: 'sha256:v3' }, upgradeFailures: 1 }, 'stall', { reason: 'RetriesExceeded' }],
  ['retries an upgrade that failed before helm recorded a revision while retries are left', { desired: { ...desired, valuesDigest: 'sha256:v3' }, upgradeFailures: 1, upgradeRetries: 1 }, 'upgrade', { cause: 'values' }],
  ['does nothing when in sync though an earlier attempt failed', { upgradeFailures: 1 }, 'none'],
  ['forces a stalled install when forceAt is set', { release: undefined, last: undefined, installFailures: 4, force: true }, 'install'],
];

describe('plan', () => {
  for (const [name, overrides, action, fields] of cases) {
    it(name, () => {
      const result = plan({ ...base, ...overrides });
      assert.equal(result.action, action);
      for (const [k, v] of Object.entries(fields ?? {})) assert.equal((result as Record<string, unknown>)[k], v, k);
    });
  }

  it('tells the user how to get out of a stall', () => {
    const result = plan({ ...base, release: undefined, last: undefined, installFailures: 1 });
    assert.ok(result.action === 'stall');
    assert.match(result.message, /resetAt.*forceAt/);
  });
});
