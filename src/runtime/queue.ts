// The work queue: keys, not objects. A key is queued at most once, never handed to two workers
// at once (a key added while it is being processed is queued again when that worker is done),
// and may be delayed (requeue after an interval, backoff after an error).
export interface QueueObserver {
  added?(key: string): void;
  /** How long a key waited between being queued and being handed to a worker. */
  picked?(key: string, waitedMs: number): void;
  depth?(depth: number): void;
}

export class WorkQueue {
  private readonly order: string[] = [];
  private readonly queued = new Map<string, number>(); // key → when it was queued
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>(); // added again while processing
  private readonly delayed = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private shuttingDown = false;
  private readonly observer: QueueObserver;

  constructor(observer: QueueObserver = {}) {
    this.observer = observer;
  }

  get length(): number {
    return this.order.length;
  }

  isProcessing(key: string): boolean {
    return this.processing.has(key);
  }

  add(key: string): void {
    if (this.shuttingDown) return;
    this.cancelDelay(key);
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.set(key, Date.now());
    this.observer.added?.(key);
    const waiter = this.waiters.shift();
    if (waiter) {
      this.handOut(key, waiter);
      return;
    }
    this.order.push(key);
    this.observer.depth?.(this.order.length);
  }

  /** Queues the key after `ms`, unless it is queued sooner; an earlier pending delay wins. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + ms;
    const pending = this.delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    timer.unref();
    this.delayed.set(key, { at, timer });
  }

  /** The next key to work on, or undefined once the queue shuts down. */
  get(): Promise<string | undefined> {
    const key = this.order.shift();
    if (key !== undefined) {
      this.observer.depth?.(this.order.length);
      return Promise.resolve(this.take(key));
    }
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The worker has finished with the key; it is queued again if it was added meanwhile. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.delete(key)) this.add(key);
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  private handOut(key: string, waiter: (key: string) => void): void {
    waiter(this.take(key));
  }

  private take(key: string): string {
    const queuedAt = this.queued.get(key) ?? Date.now();
    this.queued.delete(key);
    this.processing.add(key);
    this.observer.picked?.(key, Date.now() - queuedAt);
    return key;
  }

  private cancelDelay(key: string): void {
    const pending = this.delayed.get(key);
    if (pending) {
      clearTimeout(pending.timer);
      this.delayed.delete(key);
    }
  }
}
