// Identical events within a window go out once per provider: a reconcile that fails the same way
// every few seconds must not page anyone every few seconds.
import { createHash } from 'node:crypto';
import type { NotificationEvent } from './event.ts';

const MAX_KEYS = 10_000;

export class Deduplicator {
  private readonly seen = new Map<string, number>();
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(windowMs: number, now: () => number = Date.now) {
    this.windowMs = windowMs;
    this.now = now;
  }

  /** True the first time an identical event is offered to a provider within the window. */
  first(providerKey: string, event: NotificationEvent): boolean {
    const key = identity(providerKey, event);
    const now = this.now();
    const last = this.seen.get(key);
    if (last !== undefined && now - last < this.windowMs) return false;
    this.seen.delete(key);
    if (this.seen.size >= MAX_KEYS) this.evict(now);
    this.seen.set(key, now);
    return true;
  }

  private evict(now: number): void {
    for (const [key, at] of this.seen) if (now - at >= this.windowMs) this.seen.delete(key);
    // Still full: the oldest entries go (Map keeps insertion order).
    for (const key of this.seen.keys()) {
      if (this.seen.size < MAX_KEYS) break;
      this.seen.delete(key);
    }
  }
}

/** Everything but the time. */
function identity(providerKey: string, e: NotificationEvent): string {
  const o = e.involvedObject;
  const metadata = Object.entries(e.metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify([providerKey, o.kind, o.namespace, o.name, o.uid, e.severity, e.reason, e.message, metadata])).digest('hex');
}
