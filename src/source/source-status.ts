// What every source kind's status shares (pure): the context of one reconcile, and a fetch that
// failed — the last good artifact is kept, a configuration error stalls until the spec changes.
import { applySteps, markFailed, markStalled, setCondition } from '../api/conditions.ts';
import type { Condition } from '../api/meta.ts';
import { ANNOTATIONS } from '../api/objects.ts';
import type { KubeObject } from '../kube/resource.ts';

export const FETCH_FAILED = 'FetchFailed';

export interface StatusContext {
  generation: number | undefined;
  now: string;
  requestedAt: string | undefined;
}

interface SourceStatus {
  conditions?: Condition[];
  observedGeneration?: number;
  lastHandledReconcileAt?: string;
}

export function statusContextOf(source: KubeObject, now: number): StatusContext {
  return { generation: source.metadata.generation, now: new Date(now).toISOString(), requestedAt: source.metadata.annotations?.[ANNOTATIONS.requestedAt] };
}

export function handled(ctx: StatusContext): Pick<SourceStatus, 'lastHandledReconcileAt'> {
  return ctx.requestedAt !== undefined ? { lastHandledReconcileAt: ctx.requestedAt } : {};
}

export function failed<S extends SourceStatus>(status: S | undefined, reason: string, message: string, stalled: boolean, ctx: StatusContext): S {
  const step = stalled ? markStalled(reason, message, ctx.generation, ctx.now) : markFailed(reason, message, ctx.generation, ctx.now);
  const conditions = applySteps(status?.conditions, step, (c) => setCondition(c, { type: FETCH_FAILED, status: 'True', reason, message }, ctx.generation, ctx.now));
  return { ...status, observedGeneration: ctx.generation, conditions, ...handled(ctx) } as S;
}
