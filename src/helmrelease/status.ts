// What a HelmRelease's status becomes after each outcome (pure: the reconciler decides, these
// build the status, and the status writer sends only what changed).
import { applySteps, markFailed, markReady, markReconciling, markStalled, removeCondition, setCondition } from '../api/conditions.ts';
import type { HelmReleaseStatus, Snapshot } from '../api/helmrelease.ts';

export const RELEASED = 'Released';
const MAX_HISTORY = 5;

export interface StatusContext {
  generation: number | undefined;
  now: string;
  /** Annotation values handled by this reconcile. */
  handled: Pick<HelmReleaseStatus, 'lastHandledReconcileAt' | 'lastHandledForceAt' | 'lastHandledResetAt'>;
}

function base(status: HelmReleaseStatus | undefined, ctx: StatusContext): HelmReleaseStatus {
  return { ...status, observedGeneration: ctx.generation, ...ctx.handled };
}

/** Work is starting (an install or upgrade is about to run). */
export function progressing(status: HelmReleaseStatus | undefined, reason: string, message: string, ctx: StatusContext): HelmReleaseStatus {
  return { ...base(status, ctx), conditions: applySteps(status?.conditions, markReconciling(reason, message, ctx.generation, ctx.now)) };
}

/** The release is at the desired state. */
export function released(status: HelmReleaseStatus | undefined, reason: string, message: string, snapshot: Snapshot | undefined, ctx: StatusContext): HelmReleaseStatus {
  const history = snapshot ? [snapshot, ...(status?.history ?? []).filter((s) => s.version !== snapshot.version)].slice(0, MAX_HISTORY) : status?.history;
  return {
    ...base(status, ctx),
    ...(history ? { history } : {}),
    failures: 0,
    installFailures: 0,
    upgradeFailures: 0,
    storageNamespace: snapshot?.namespace ?? status?.storageNamespace,
    conditions: applySteps(
      status?.conditions,
      markReady(reason, message, ctx.generation, ctx.now),
      (c) => setCondition(c, { type: RELEASED, status: 'True', reason, message }, ctx.generation, ctx.now),
    ),
  };
}

/** An install or upgrade failed: counted, so that retries are bounded. */
export function releaseFailed(
  status: HelmReleaseStatus | undefined, action: 'install' | 'upgrade', reason: string, message: string,
  attempted: { chartVersion: string; valuesDigest: string }, ctx: StatusContext,
): HelmReleaseStatus {
  const counter = action === 'install' ? 'installFailures' : 'upgradeFailures';
  return {
    ...base(status, ctx),
    failures: (status?.failures ?? 0) + 1,
    [counter]: (status?.[counter] ?? 0) + 1,
    lastAttemptedReleaseAction: action,
    lastAttemptedRevision: attempted.chartVersion,
    lastAttemptedConfigDigest: attempted.valuesDigest,
    conditions: applySteps(
      status?.conditions,
      markFailed(reason, message, ctx.generation, ctx.now),
      (c) => setCondition(c, { type: RELEASED, status: 'False', reason, message }, ctx.generation, ctx.now),
    ),
  };
}

/** Records what is about to be attempted (before helm runs: a crash mid-way still counts it). */
export function attempting(status: HelmReleaseStatus | undefined, action: 'install' | 'upgrade', attempted: { chartVersion: string; valuesDigest: string }): HelmReleaseStatus {
  return { ...status, lastAttemptedReleaseAction: action, lastAttemptedRevision: attempted.chartVersion, lastAttemptedConfigDigest: attempted.valuesDigest };
}

/** Not ready for a reason outside the release (source, values, dependencies): nothing deployed changes. */
export function blocked(status: HelmReleaseStatus | undefined, reason: string, message: string, stalled: boolean, ctx: StatusContext): HelmReleaseStatus {
  const step = stalled ? markStalled(reason, message, ctx.generation, ctx.now) : markFailed(reason, message, ctx.generation, ctx.now);
  return { ...base(status, ctx), conditions: applySteps(status?.conditions, step) };
}

/** Retries are exhausted: no helm call until the inputs change or resetAt/forceAt. */
export function stalled(status: HelmReleaseStatus | undefined, reason: string, message: string, ctx: StatusContext): HelmReleaseStatus {
  return { ...base(status, ctx), conditions: applySteps(status?.conditions, markStalled(reason, message, ctx.generation, ctx.now), (c) => removeCondition(c, 'Reconciling')) };
}

/** Failure counters back to zero (reconcile.capstan.dev/resetAt). */
export function resetCounters(status: HelmReleaseStatus | undefined): HelmReleaseStatus {
  return { ...status, failures: 0, installFailures: 0, upgradeFailures: 0 };
}
