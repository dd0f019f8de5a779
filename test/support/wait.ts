// Bounded polling: waits until a probe returns a value, or fails saying what it waited for.
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, options: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? `: last error ${lastError.message}` : '';
      throw new Error(`timed out waiting for ${what}${detail}`);
    }
    await sleep(options.intervalMs ?? 250);
  }
}

/** Checks for `ms` that `probe` keeps holding: the absence of an action cannot be waited for. */
export async function keepsHolding(what: string, ms: number, probe: () => boolean | Promise<boolean>, intervalMs = 250): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!(await probe())) throw new Error(`${what} stopped holding`);
    await sleep(intervalMs);
  }
}
