import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkQueue } from '../../../src/runtime/queue.ts';

describe('WorkQueue', () => {
  it('queues a key once however often it is added', async () => {
    const q = new WorkQueue();
    q.add('a'); q.add('a'); q.add('b');
    assert.equal(q.length, 2);
    assert.equal(await q.get(), 'a');
    assert.equal(await q.get(), 'b');
  });

  it('never hands a key to a second worker while the first holds it, and requeues it when done', async () => {
    const q = new WorkQueue();
    q.add('a');
    assert.equal(await q.get(), 'a');
    q.add('a');
    assert.equal(q.length, 0, 'not handed out while processing');
    q.done('a');
    assert.equal(q.length, 1, 'queued again after done');
    assert.equal(await q.get(), 'a');
  });

  it('wakes a waiting worker when a key arrives', async () => {
    const q = new WorkQueue();
    const next = q.get();
    q.add('x');
    assert.equal(await next, 'x');
  });

  it('delays a key, and an earlier delay replaces a later one', async () => {
    const q = new WorkQueue();
    q.addAfter('a', 10_000);
    q.addAfter('a', 20);
    await sleep(60);
    assert.equal(q.length, 1);
  });

  it('drops a pending delay when the key is added now', async () => {
    const q = new WorkQueue();
    q.addAfter('a', 30);
    q.add('a');
    assert.equal(await q.get(), 'a');
    q.done('a');
    await sleep(60);
    assert.equal(q.length, 0);
  });

  it('releases waiting workers with undefined on shutdown', async () => {
    const q = new WorkQueue();
    const next = q.get();
    q.shutDown();
    assert.equal(await next, undefined);
    q.add('late');
    assert.equal(q.length, 0);
  });
});
