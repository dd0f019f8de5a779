// One controller per kind: workers take keys from the queue and call an idempotent reconcile,
// which reads the world fresh and converges one step. Success forgets the key's backoff and may
// ask for a requeue (the interval); an error requeues with backoff; a TerminalError does not
// requeue (it waits for the object to change).
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log/logger.ts';
import { ItemBackoff, TokenBucket } from './backoff.ts';
import type { Metrics } from './metrics.ts';
import { WorkQueue } from './queue.ts';

export interface ReconcileContext {
  log: Logger;
  signal: AbortSignal;
}

export interface ReconcileResult {
  requeueAfterMs?: number;
}

export interface Reconciler {
  readonly kind: string;
  reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult>;
}

/** An error that retrying cannot fix: the key waits for its object to change. */
export class TerminalError extends Error {
  override readonly name: string = 'TerminalError';
}

export interface ControllerOptions {
  reconciler: Reconciler;
  concurrency: number;
  log: Logger;
  metrics: Metrics;
  backoff?: ItemBackoff;
  /** Overall bound on retries after errors (client-go: 10 qps, burst 100). */
  retryBucket?: TokenBucket;
}

export class Controller {
  readonly queue: WorkQueue;
  readonly kind: string;
  private readonly options: ControllerOptions;
  private readonly backoff: ItemBackoff;
  private readonly bucket: TokenBucket;

  constructor(options: ControllerOptions) {
    const { metrics } = options;
    this.kind = options.reconciler.kind;
    const kind = this.kind;
    this.options = options;
    this.backoff = options.backoff ?? new ItemBackoff();
    this.bucket = options.retryBucket ?? new TokenBucket(10, 100);
    this.queue = new WorkQueue({
      added: () => { metrics.queueAdds.inc({ kind }); },
      picked: (_key, waitedMs) => { metrics.queueWait.observe({ kind }, waitedMs / 1000); },
      depth: (depth) => { metrics.queueDepth.set({ kind }, depth); },
    });
  }

  enqueue(key: string): void {
    this.queue.add(key);
  }

  enqueueAfter(key: string, ms: number): void {
    this.queue.addAfter(key, ms);
  }

  /** Runs the workers until the signal aborts and in-flight reconciles have returned. */
  async run(signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => { this.queue.shutDown(); }, { once: true });
    await Promise.all(Array.from({ length: this.options.concurrency }, () => this.worker(signal)));
  }

  private async worker(signal: AbortSignal): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.process(key, signal);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private async process(key: string, signal: AbortSignal): Promise<void> {
    const { metrics } = this.options;
    const [namespace, name] = key.includes('/') ? key.split('/', 2) : [undefined, key];
    const log = this.options.log.child({ kind: this.kind, namespace, name, reconcileId: randomUUID() });
    const stop = metrics.reconcileDuration.startTimer({ kind: this.kind });
    try {
      const result = await this.options.reconciler.reconcile(key, { log, signal });
      this.backoff.forget(key);
      if (result.requeueAfterMs !== undefined) this.queue.addAfter(key, result.requeueAfterMs);
      metrics.reconcileTotal.inc({ kind: this.kind, result: result.requeueAfterMs !== undefined ? 'requeue' : 'success' });
    } catch (err) {
      metrics.reconcileTotal.inc({ kind: this.kind, result: 'error' });
      if (signal.aborted) {
        log.info({ err }, 'reconcile cut short: the controller is stopping; it runs again when a controller next starts or leads');
        return;
      }
      if (err instanceof TerminalError) {
        log.error({ err }, 'reconcile failed; waiting for the object to change');
        return;
      }
      const delay = Math.max(this.backoff.next(key), this.bucket.reserve());
      log.warn({ err, retryInMs: delay }, 'reconcile failed; retrying');
      this.queue.addAfter(key, delay);
    } finally {
      stop();
    }
  }
}
