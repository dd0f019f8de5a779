// When a locked release may be taken over, and what the user is told (lock.ts), as tables.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lockVerdict, pendingSince, unlockMethod, unlockNote, waitingNote, type LockFacts, type LockVerdict, type UnlockMethod } from '../../../src/helmrelease/lock.ts';
import type { Plan } from '../../../src/helmrelease/plan.ts';

const T = Date.parse('2026-11-24T10:00:00Z');
const base: LockFacts = { activeSince: T, pendingSince: T + 60_000, now: T + 70_000, graceMs: 30_000 };

describe('lockVerdict', () => {
  const cases: [string, Partial<LockFacts>, LockVerdict][] = [
    ['takes a release pending since before this controller began acting, at once', { pendingSince: T - 1 }, { take: true }],
    ['takes it at startup even when the crash was a moment ago', { pendingSince: T - 1, now: T + 1 }, { take: true }],
    ['leaves a recent pending state to the helm that may still be writing it', {}, { take: false, retryInMs: 20_000 }],
    ['takes a pending state once it is older than the grace', { now: T + 95_000 }, { take: true }],
    ['takes it exactly at the end of the grace', { now: T + 90_000 }, { take: true }],
    ['with no grace, takes any pending state', { graceMs: 0 }, { take: true }],
    ['counts the grace from a pending state written in the same millisecond the controller began', { pendingSince: T, now: T + 1000 }, { take: false, retryInMs: 29_000 }],
  ];
  for (const [name, facts, expected] of cases) {
    it(name, () => { assert.deepEqual(lockVerdict({ ...base, ...facts }), expected); });
  }
});

describe('pendingSince', () => {
  const info = { last_deployed: '2026-11-24T10:00:05.123456789Z', deleted: '2026-11-24T10:00:09Z' };
  const cases: [string, Parameters<typeof pendingSince>[0], Parameters<typeof pendingSince>[1], number][] = [
    ['an upgrade began when it was deployed (helm writes last_deployed first)', 'pending-upgrade', info, T + 5123],
    ['an install likewise', 'pending-install', info, T + 5123],
    ['a rollback likewise', 'pending-rollback', info, T + 5123],
    ['an uninstall began when helm set deleted', 'uninstalling', info, T + 9000],
    ['falls back when helm 4 left deleted out', 'uninstalling', { last_deployed: info.last_deployed }, 42],
    ['falls back on a time it cannot read', 'pending-upgrade', { last_deployed: 'yesterday' }, 42],
  ];
  for (const [name, status, given, expected] of cases) {
    it(name, () => { assert.equal(pendingSince(status, given, 42), expected); });
  }
});

describe('unlockMethod', () => {
  it('discards a rollback cut short, so that helm 3 rolls back again from the failed revision', () => {
    assert.equal(unlockMethod('pending-rollback'), 'discard');
  });
  for (const status of ['pending-install', 'pending-upgrade', 'uninstalling'] as const) {
    it(`marks ${status} failed`, () => { assert.equal(unlockMethod(status), 'mark-failed'); });
  }
});

describe('unlockNote', () => {
  const cases: [string, Parameters<typeof unlockNote>[1], UnlockMethod, Plan, string][] = [
    ['says an interrupted upgrade is retried', 'pending-upgrade', 'mark-failed', { action: 'upgrade', cause: 'out-of-band' },
      'release apps/web was pending-upgrade at revision 3 (left by an interrupted helm upgrade): marked failed, retrying the upgrade'],
    ['says an interrupted install is installed again', 'pending-install', 'mark-failed', { action: 'install', replace: true, retry: false },
      'release apps/web was pending-install at revision 3 (left by an interrupted helm install): marked failed, installing it again over the failed revision'],
    ['says an interrupted rollback is followed by an upgrade', 'pending-rollback', 'discard', { action: 'upgrade', cause: 'retry' },
      'release apps/web was pending-rollback at revision 3 (left by an interrupted helm rollback): removed that unfinished revision, upgrading it'],
    ['names the rollback a remediation will do', 'pending-rollback', 'discard', { action: 'remediate', after: 'upgrade', strategy: 'rollback', revision: 2 },
      'release apps/web was pending-rollback at revision 3 (left by an interrupted helm rollback): removed that unfinished revision, rolling back to revision 2'],
    ['says a rollback with no revision before it is marked failed', 'pending-rollback', 'mark-failed', { action: 'remediate', after: 'upgrade', strategy: 'rollback', revision: 2 },
      'release apps/web was pending-rollback at revision 3 (left by an interrupted helm rollback): marked failed, rolling back to revision 2'],
    ['says when the release then stalls and why', 'uninstalling', 'mark-failed', { action: 'stall', reason: 'RetriesExceeded', message: 'no retries are left' },
      'release apps/web was uninstalling at revision 3 (left by an interrupted helm uninstall): marked failed, then stalling: no retries are left'],
  ];
  for (const [name, status, method, next, expected] of cases) {
    it(name, () => { assert.equal(unlockNote('apps/web', status, 3, method, next), expected); });
  }
});

describe('waitingNote', () => {
  it('tells the user when capstan will step in', () => {
    assert.equal(waitingNote('apps/web', 'pending-upgrade', 4, 12_300),
      'release apps/web is pending-upgrade at revision 4: a helm upgrade is running or was interrupted; if it has not finished in 13 s, capstan marks the revision failed and recovers the release');
  });
});
