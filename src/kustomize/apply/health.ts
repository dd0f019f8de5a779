// Waits until objects are healthy, kstatus-style (kube/readiness.ts kstatusOf): each object is
// read again on every round until it is ready, rounds further apart each time (bounded), until
// the timeout, which names every object not ready and why. An object kstatus calls Failed (a Job
// out of retries, Stalled=True) ends the wait at once, as Flux's does: no timeout would change it.
// A kind that is not served or an object that does not exist is not ready (it may come: a
// HelmRelease's chart creates it).
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, isApiError } from '../../kube/errors.ts';
import { kstatusOf, notReadyLine, type LiveObject, type Readiness } from '../../kube/readiness.ts';
import { objectPath } from '../../kube/resource.ts';
import type { ApplyContext } from './apply-set.ts';
import { apiFailure, ApplyError } from './errors.ts';
import { describeIdentity } from './inventory.ts';
import { settleLimited } from './limited.ts';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/**
 * Objects still not ready at the timeout, or failed before it: each named with why
 * ("Deployment apps/web: 0/1 replicas available"). One reason for both: either way the objects
 * stay applied and the next attempt comes at retryInterval.
 */
export class HealthCheckError extends Error {
  override readonly name = 'HealthCheckError';
  readonly reason = 'HealthCheckFailed';
  /** The objects not ready (at the timeout) or failed, one line each. */
  readonly notReady: string[];

  constructor(message: string, notReady: string[]) {
    super(message);
    this.notReady = notReady;
  }

  static timedOut(notReady: string[], timeoutMs: number): HealthCheckError {
    return new HealthCheckError(`health check timed out after ${String(Math.round(timeoutMs / 1000))} s: ${notReady.join('; ')}`, notReady);
  }

  static failed(failed: string[]): HealthCheckError {
    return new HealthCheckError(`health check failed: ${failed.join('; ')}`, failed);
  }
}

/** An object not ready: its line, and whether it failed (kstatus: waiting will not help). */
export interface Unhealthy {
  line: string;
  failed: boolean;
}

/**
 * The line of an object not ready, with the fix when it is plain: a failed Job is not run again by
 * applying it again (the apply changes nothing), only by creating it anew.
 */
export function unhealthy(ref: ObjectRef, readiness: Readiness): Unhealthy {
  const line = notReadyLine({ kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } }, readiness);
  if (readiness.failed !== true) return { line, failed: false };
  const job = ref.kind === 'Job' && ref.apiVersion.startsWith('batch/');
  const fix = job ? ` (fix its cause, then kubectl delete job ${ref.name}${ref.namespace ? ` -n ${ref.namespace}` : ''}: the next attempt runs it again)` : '';
  return { line: `${line}${fix}`, failed: true };
}

export type HealthContext = ApplyContext & {
  /** After each round, the objects not ready yet (the reconciler can say so in Ready). */
  onProgress?: (notReady: string[]) => void;
};

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 5_000;
const CONCURRENCY = 8;
// A failure seen right after the apply may be from before it (a HelmRelease out of retries that a
// ConfigMap of the same set lets try again): its controller gets this long to look at it.
const FAILED_GRACE_MS = 5_000;

export async function waitHealthy(refs: readonly ObjectRef[], ctx: HealthContext): Promise<void> {
  const started = Date.now();
  const deadline = started + ctx.timeoutMs;
  let pending = [...refs];
  for (let delay = FIRST_DELAY_MS; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
    const results = await settleLimited(pending, CONCURRENCY, (ref) => assess(ref, ctx));
    const rejected = results.find((r) => r.status === 'rejected');
    if (rejected) throw rejected.reason;
    const found = results.flatMap((r) => (r.status === 'fulfilled' && r.value !== undefined ? [r.value] : []));
    const lines = found.map((u) => u.line);
    pending = pending.filter((_, i) => {
      const r = results[i];
      return r?.status === 'fulfilled' && r.value !== undefined;
    });
    ctx.onProgress?.(lines);
    if (pending.length === 0) return;
    const failed = found.filter((u) => u.failed);
    if (failed.length > 0 && Date.now() - started >= FAILED_GRACE_MS) throw HealthCheckError.failed(failed.map((u) => u.line));
    const left = deadline - Date.now();
    if (left <= 0) throw HealthCheckError.timedOut(lines, ctx.timeoutMs);
    await sleep(Math.min(delay, left), undefined, ctx.signal ? { signal: ctx.signal } : undefined);
  }
}

/** undefined when ready; otherwise the line naming the object and why, and whether it failed. */
async function assess(ref: ObjectRef, ctx: ApplyContext): Promise<Unhealthy | undefined> {
  const what = describeIdentity({ kind: ref.kind, namespace: ref.namespace ?? '', name: ref.name });
  const resource = await ctx.discovery.resource(ref.apiVersion, ref.kind);
  if (!resource) return unhealthy(ref, { ready: false, detail: `the API server does not serve ${ref.apiVersion} ${ref.kind}` });
  let live: LiveObject;
  try {
    live = await ctx.client.request<LiveObject>('GET', objectPath(resource, ref.namespace, ref.name), ctx.signal ? { signal: ctx.signal } : {});
  } catch (err) {
    if (isApiError(err, 'NotFound')) return unhealthy(ref, { ready: false, detail: 'not found' });
    const failure = apiFailure(err, what, 'reading', 'ApplyFailed');
    if (failure instanceof ApplyError && failure.reason === 'AccessDenied') throw failure;
    // Anything else (the API server busy) may pass: the next round looks again.
    if (err instanceof ApiError) return unhealthy(ref, { ready: false, detail: `could not be read: ${err.message}` });
    throw err;
  }
  const readiness = kstatusOf(live);
  return readiness.ready ? undefined : unhealthy(ref, readiness);
}
