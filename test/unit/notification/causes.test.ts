import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CauseMemory } from '../../../src/notification/causes.ts';
import { recorded } from './fixtures.ts';

const failure = recorded({ type: 'Warning', reason: 'UpgradeFailed', note: 'upgrade of apps/web with app@2.1.0 failed: Deployment apps/web not ready\nstderr tail' });
const rollback = recorded({ type: 'Warning', reason: 'RollbackSucceeded', note: 'the upgrade to app@2.1.0 failed; rolled back', metadata: { release: 'apps/web' } });

describe('CauseMemory', () => {
  it('gives a rollback the cause of the failure it answers, once', () => {
    const memory = new CauseMemory(() => 0);
    assert.equal(memory.withCause(failure), failure);
    assert.deepEqual(memory.withCause(rollback).metadata, { release: 'apps/web', cause: 'Deployment apps/web not ready' });
    assert.deepEqual(memory.withCause(rollback).metadata, { release: 'apps/web' }, 'used up');
  });

  it('leaves a remediation alone when the failure was about another object, too old, or it names its own cause', () => {
    let now = 0;
    const memory = new CauseMemory(() => now);
    memory.withCause(failure);
    assert.deepEqual(memory.withCause({ ...rollback, regarding: { ...rollback.regarding, metadata: { name: 'api', namespace: 'apps' } } }).metadata, { release: 'apps/web' });
    now = 60 * 60_000;
    assert.deepEqual(memory.withCause(rollback).metadata, { release: 'apps/web' });
    memory.withCause(failure);
    const own = { ...rollback, metadata: { cause: 'its own' } };
    assert.deepEqual(memory.withCause(own).metadata, { cause: 'its own' });
  });
});
