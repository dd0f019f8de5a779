// One queue per Provider, drained by its own loop: a slow or dead endpoint only delays its own
// alerts. The queue is bounded (a dead endpoint cannot grow memory; what does not fit is dropped
// and counted), and each message is retried with bounded exponential backoff when a retry can help.
import { setTimeout as sleep } from 'node:timers/promises';
import { DeliveryError } from './post.ts';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseMs: 500, maxMs: 8000 };

export interface QueueHooks<T> {
  send(item: T): Promise<void>;
  dropped(item: T): void;
  delivered(item: T, attempts: number): void;
  failed(item: T, err: unknown, attempts: number): void;
}

export class ProviderQueue<T> {
  private readonly items: T[] = [];
  private readonly capacity: number;
  private readonly retry: RetryPolicy;
  private readonly hooks: QueueHooks<T>;
  private readonly stopped = new AbortController();
  private draining = false;

  constructor(capacity: number, retry: RetryPolicy, hooks: QueueHooks<T>) {
    this.capacity = capacity;
    this.retry = retry;
    this.hooks = hooks;
  }

  get length(): number {
    return this.items.length;
  }

  /** Never waits: false (and counted as dropped) when the queue is full or stopped. */
  push(item: T): boolean {
    if (this.stopped.signal.aborted || this.items.length >= this.capacity) {
      this.hooks.dropped(item);
      return false;
    }
    this.items.push(item);
    if (!this.draining) void this.drain();
    return true;
  }

  /** Drops what is queued (the Provider is gone or changed address); an attempt in flight ends on its own deadline. */
  stop(): void {
    this.stopped.abort();
    for (const item of this.items.splice(0)) this.hooks.dropped(item);
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      for (let item = this.items.shift(); item !== undefined; item = this.items.shift()) await this.deliver(item);
    } finally {
      this.draining = false;
    }
  }

  private async deliver(item: T): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.hooks.send(item);
        this.hooks.delivered(item, attempt);
        return;
      } catch (err) {
        const retryable = err instanceof DeliveryError && err.retryable;
        if (!retryable || attempt >= this.retry.attempts || this.stopped.signal.aborted) {
          this.hooks.failed(item, err, attempt);
          return;
        }
        const delay = Math.min(this.retry.baseMs * 2 ** (attempt - 1), this.retry.maxMs);
        try {
          await sleep(delay, undefined, { signal: this.stopped.signal, ref: false });
        } catch {
          this.hooks.failed(item, err, attempt);
          return;
        }
      }
    }
  }
}
