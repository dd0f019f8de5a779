// Per-item exponential backoff (as controller-runtime's default: 5 ms doubling up to a cap) and
// an overall token bucket, so that a burst of failures cannot hammer the API server or helm.
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export class ItemBackoff {
  private readonly failures = new Map<string, number>();
  private readonly options: BackoffOptions;

  constructor(options: BackoffOptions = { baseMs: 5, maxMs: 15 * 60_000 }) {
    this.options = options;
  }

  /** Records one more failure of the key and returns how long to wait before retrying it. */
  next(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    return Math.min(this.options.baseMs * 2 ** n, this.options.maxMs);
  }

  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  forget(key: string): void {
    this.failures.delete(key);
  }
}

/** A token bucket: `qps` tokens a second, at most `burst` saved up. Returns the wait for one token. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly qps: number;
  private readonly burst: number;
  private readonly now: () => number;

  constructor(qps: number, burst: number, now: () => number = Date.now) {
    this.qps = qps;
    this.burst = burst;
    this.tokens = burst;
    this.now = now;
    this.last = now();
  }

  reserve(): number {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.qps);
    this.last = t;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }
}

/** `ms` with up to `fraction` added at random, so that many objects with one interval spread out. */
export function jitter(ms: number, fraction = 0.1): number {
  return Math.round(ms * (1 + Math.random() * fraction));
}
