// What a GitRepository's status becomes after one reconcile (pure, so that it is table-tested).
import { applySteps, markReady, removeCondition } from '../../api/conditions.ts';
import type { Artifact, GitRepositoryStatus } from '../../api/source.ts';
import { FETCH_FAILED, handled, type StatusContext } from '../source-status.ts';

export { failed, FETCH_FAILED, type StatusContext } from '../source-status.ts';

export const SUCCEEDED = 'GitOperationSucceeded';

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
