import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeliveryError } from '../../../src/notification/post.ts';
import { ProviderQueue, type QueueHooks } from '../../../src/notification/provider-queue.ts';
import { waitFor } from '../../support/wait.ts';

function recorder(send: (item: string, attempt: number) => Promise<void>) {
  const log = { delivered: [] as string[], failed: [] as string[], dropped: [] as string[], attempts: new Map<string, number>() };
  const hooks: QueueHooks<string> = {
    send: (item) => {
      const n = (log.attempts.get(item) ?? 0) + 1;
      log.attempts.set(item, n);
      return send(item, n);
    },
    delivered: (item) => { log.delivered.push(item); },
    failed: (item) => { log.failed.push(item); },
    dropped: (item) => { log.dropped.push(item); },
  };
  return { log, hooks };
}

const retry = { attempts: 3, baseMs: 1, maxMs: 4 };

describe('ProviderQueue', () => {
  it('retries a retryable failure and then delivers, in order', async () => {
    const { log, hooks } = recorder((item, attempt) =>
      (item === 'a' && attempt < 3 ? Promise.reject(new DeliveryError('HTTP 500', true, 500)) : Promise.resolve()));
    const q = new ProviderQueue(10, retry, hooks);
    q.push('a'); q.push('b');
    await waitFor('both delivered', () => (log.delivered.length === 2 ? true : undefined), { intervalMs: 5, timeoutMs: 2000 });
    assert.deepEqual(log.delivered, ['a', 'b']);
    assert.equal(log.attempts.get('a'), 3);
  });

  it('gives up after the bounded number of attempts, and at once on a non-retryable error', async () => {
    const { log, hooks } = recorder((item) => Promise.reject(new DeliveryError('no', item === 'retryable', 500)));
    const q = new ProviderQueue(10, retry, hooks);
    q.push('retryable'); q.push('final');
    await waitFor('both failed', () => (log.failed.length === 2 ? true : undefined), { intervalMs: 5, timeoutMs: 2000 });
    assert.equal(log.attempts.get('retryable'), 3);
    assert.equal(log.attempts.get('final'), 1);
  });

  it('drops what does not fit while the endpoint hangs, and never blocks the caller', () => {
    const { log, hooks } = recorder(() => new Promise(() => undefined));
    const q = new ProviderQueue(2, retry, hooks);
    for (const item of ['1', '2', '3', '4']) q.push(item);
    // '1' is in flight, '2' and '3' wait, '4' does not fit.
    assert.deepEqual(log.dropped, ['4']);
    q.stop();
    assert.deepEqual(log.dropped, ['4', '2', '3']);
    assert.equal(q.push('5'), false);
  });
});
