// How long a HelmRelease waits before trying a failed helm action again.

/** After `failures` failed attempts: 10 s doubling to 5 min (never a hot loop, never silent for long). */
export function retryDelay(failures: number): number {
  return Math.min(10_000 * 2 ** failures, 5 * 60_000);
}
