// What a GitRepository's status becomes after one reconcile (pure, so that it is table-tested).
import { applySteps, markFailed, markReady, markStalled, removeCondition, setCondition } from '../../api/conditions.ts';
import type { Artifact, GitRepositoryStatus } from '../../api/source.ts';

export const FETCH_FAILED = 'FetchFailed';
export const SUCCEEDED = 'GitOperationSucceeded';

export interface StatusContext {
  generation: number | undefined;
  now: string;
  requestedAt: string | undefined;
}

/** Nothing is left to do for this revision: a poll that finds it again writes nothing. */
export function upToDate(status: GitRepositoryStatus | undefined, revision: string, ctx: StatusContext): boolean {
  const ready = status?.conditions?.find((c) => c.type === 'Ready');
  return status?.artifact?.revision === revision && ready?.status === 'True' && status.observedGeneration === ctx.generation &&
    (ctx.requestedAt === undefined || ctx.requestedAt === status.lastHandledReconcileAt);
}

export function succeeded(status: GitRepositoryStatus | undefined, artifact: Artifact, ctx: StatusContext): GitRepositoryStatus {
  const message = `stored artifact for revision ${artifact.revision} (${artifact.size ?? 0} bytes)`;
  const conditions = applySteps(status?.conditions, markReady(SUCCEEDED, message, ctx.generation, ctx.now), (c) => removeCondition(c, FETCH_FAILED));
  return { ...status, observedGeneration: ctx.generation, conditions, artifact, ...handled(ctx) };
}

/** A failure keeps the last good artifact; a configuration error stalls until the spec changes. */
export function failed(status: GitRepositoryStatus | undefined, reason: string, message: string, stalled: boolean, ctx: StatusContext): GitRepositoryStatus {
  const step = stalled ? markStalled(reason, message, ctx.generation, ctx.now) : markFailed(reason, message, ctx.generation, ctx.now);
  const conditions = applySteps(status?.conditions, step, (c) => setCondition(c, { type: FETCH_FAILED, status: 'True', reason, message }, ctx.generation, ctx.now));
  return { ...status, observedGeneration: ctx.generation, conditions, ...handled(ctx) };
}

function handled(ctx: StatusContext): Pick<GitRepositoryStatus, 'lastHandledReconcileAt'> {
  return ctx.requestedAt !== undefined ? { lastHandledReconcileAt: ctx.requestedAt } : {};
}
