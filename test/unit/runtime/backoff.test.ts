import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ItemBackoff, TokenBucket } from '../../../src/runtime/backoff.ts';

describe('ItemBackoff', () => {
  it('doubles from 5 ms per failure of the same key up to 15 minutes', () => {
    const b = new ItemBackoff();
    assert.deepEqual([1, 2, 3, 4].map(() => b.next('k')), [5, 10, 20, 40]);
    for (let i = 0; i < 40; i++) b.next('k');
    assert.equal(b.next('k'), 15 * 60_000);
  });

  it('starts over once the key is forgotten, and keeps keys apart', () => {
    const b = new ItemBackoff();
    b.next('k'); b.next('k');
    assert.equal(b.next('other'), 5);
    b.forget('k');
    assert.equal(b.next('k'), 5);
  });
});

describe('TokenBucket', () => {
  it('lets a burst through, then spaces requests at the rate', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 2, () => now);
    assert.equal(bucket.reserve(), 0);
    assert.equal(bucket.reserve(), 0);
    assert.equal(bucket.reserve(), 100);
    now = 1000;
    assert.equal(bucket.reserve(), 0);
  });
});
