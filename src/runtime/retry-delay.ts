// How long a failed action that changes the cluster (a helm release, a Kustomization's prune on
// deletion) waits before it is tried again: slower than the work queue's own backoff, since each
// attempt is heavy and its cause is usually one a human fixes.

/** After `failures` failed attempts: 10 s doubling to 5 min (never a hot loop, never silent for long). */
export function retryDelay(failures: number): number {
  return Math.min(10_000 * 2 ** failures, 5 * 60_000);
}

/**
 * Failed attempts of a deletion's action (uninstall, prune) by key, and when the next one is due.
 * The work queue runs a key again as soon as an event about it arrives, and a failed attempt makes
 * such events itself (helm marks the release `uninstalling` in its Secret before it fails): without
 * this, "retries in 10 s" would mean at once, in a loop. The count lives in memory, not in the
 * status, which the informer's copy may not show yet.
 */
export class RetrySchedule {
  private readonly entries = new Map<string, { failures: number; dueAt: number; requestedAt: string | undefined }>();
  private readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  /**
   * How long until the next attempt of `key` is due: 0 when it is, or when the user asked for one
   * since the last failure (a new reconcile.capstan.dev/requestedAt).
   */
  waitMs(key: string, requestedAt: string | undefined): number {
    const entry = this.entries.get(key);
    if (!entry || entry.requestedAt !== requestedAt) return 0;
    return Math.max(0, entry.dueAt - this.now());
  }

  /** Counts a failed attempt; returns how long until the next one is due. */
  failed(key: string, requestedAt: string | undefined): number {
    const failures = this.entries.get(key)?.failures ?? 0;
    const delay = retryDelay(failures);
    this.entries.set(key, { failures: failures + 1, dueAt: this.now() + delay, requestedAt });
    return delay;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}
