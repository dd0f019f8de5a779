import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryDelay, RetrySchedule } from '../../../src/runtime/retry-delay.ts';

describe('retryDelay', () => {
  it('waits 10 s doubling up to 5 min', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 10].map(retryDelay), [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  });
});

describe('RetrySchedule', () => {
  const clock = () => {
    const c = { t: 1_000_000, now: () => c.t };
    return c;
  };

  it('lets a first attempt run at once', () => {
    assert.equal(new RetrySchedule(clock().now).waitMs('ns/a', undefined), 0);
  });

  it('holds a key after a failure until its delay has passed, whatever brings it back earlier', () => {
    const c = clock();
    const schedule = new RetrySchedule(c.now);
    assert.equal(schedule.failed('ns/a', undefined), 10_000);
    c.t += 3_000;
    assert.equal(schedule.waitMs('ns/a', undefined), 7_000);
    assert.equal(schedule.waitMs('ns/b', undefined), 0, 'other keys are not held');
    c.t += 7_000;
    assert.equal(schedule.waitMs('ns/a', undefined), 0);
    assert.equal(schedule.failed('ns/a', undefined), 20_000, 'the second failure doubles the delay');
    assert.equal(schedule.waitMs('ns/a', undefined), 20_000);
  });

  it('lets a new reconcile request through at once, and keeps counting from there', () => {
    const c = clock();
    const schedule = new RetrySchedule(c.now);
    schedule.failed('ns/a', 'one');
    assert.equal(schedule.waitMs('ns/a', 'one'), 10_000);
    assert.equal(schedule.waitMs('ns/a', 'two'), 0, 'a requestedAt set since the failure');
    assert.equal(schedule.failed('ns/a', 'two'), 20_000);
    assert.equal(schedule.waitMs('ns/a', 'two'), 20_000, 'the same request does not let it through again');
  });

  it('starts afresh once forgotten', () => {
    const c = clock();
    const schedule = new RetrySchedule(c.now);
    schedule.failed('ns/a', undefined);
    schedule.failed('ns/a', undefined);
    schedule.forget('ns/a');
    assert.equal(schedule.waitMs('ns/a', undefined), 0);
    assert.equal(schedule.failed('ns/a', undefined), 10_000);
  });
});
