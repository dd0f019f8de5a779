// What a Kustomization's status becomes after each step of a reconcile (pure: the reconciler
// decides, these build the status, and the status writer sends only what changed). An in-sync
// resync builds the very status it read, so it writes nothing.
import { applySteps, markFailed, markReady, markReconciling, markStalled } from '../api/conditions.ts';
import type { KustomizationStatus } from '../api/kustomization.ts';
import { ANNOTATIONS, type Kustomization } from '../api/objects.ts';

export type Inventory = NonNullable<KustomizationStatus['inventory']>;

export interface StatusContext {
  generation: number | undefined;
  now: string;
  /** The reconcile.capstan.dev/requestedAt value this reconcile handles. */
  requestedAt: string | undefined;
}

export function statusContextOf(ks: Kustomization, now: number): StatusContext {
  return { generation: ks.metadata.generation, now: new Date(now).toISOString(), requestedAt: ks.metadata.annotations?.[ANNOTATIONS.requestedAt] };
}

function base(status: KustomizationStatus | undefined, ctx: StatusContext): KustomizationStatus {
  return { ...status, observedGeneration: ctx.generation, ...(ctx.requestedAt !== undefined ? { lastHandledReconcileAt: ctx.requestedAt } : {}) };
}

/**
 * Not applied, for a reason outside the objects or in them (dependencies, source, build, apply,
 * health). The inventory stays the last good one unless `inventory` says what is now applied;
 * `attempted` is the source revision that was tried, if one was.
 */
export function failed(
  status: KustomizationStatus | undefined, failure: { reason: string; message: string; stalled?: boolean; attempted?: string; inventory?: Inventory },
  ctx: StatusContext,
): KustomizationStatus {
  const { reason, message } = failure;
  const step = failure.stalled === true ? markStalled(reason, message, ctx.generation, ctx.now) : markFailed(reason, message, ctx.generation, ctx.now);
  return {
    ...base(status, ctx),
    ...(failure.attempted !== undefined ? { lastAttemptedRevision: failure.attempted } : {}),
    ...(failure.inventory ? { inventory: failure.inventory } : {}),
    conditions: applySteps(status?.conditions, step),
  };
}

/** Applied and waiting for the objects to become healthy: the inventory is what is applied now. */
export function progressing(status: KustomizationStatus | undefined, revision: string, inventory: Inventory, message: string, ctx: StatusContext): KustomizationStatus {
  return {
    ...base(status, ctx), lastAttemptedRevision: revision, inventory,
    conditions: applySteps(status?.conditions, markReconciling('Progressing', message, ctx.generation, ctx.now)),
  };
}

/** Applied and healthy. */
export function succeeded(status: KustomizationStatus | undefined, revision: string, inventory: Inventory, message: string, ctx: StatusContext): KustomizationStatus {
  return {
    ...base(status, ctx), lastAttemptedRevision: revision, lastAppliedRevision: revision, inventory,
    conditions: applySteps(status?.conditions, markReady(SUCCEEDED, message, ctx.generation, ctx.now)),
  };
}

export const SUCCEEDED = 'ReconciliationSucceeded';
