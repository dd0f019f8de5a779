// What a HelmRelease's status becomes after each outcome (pure: the reconciler decides, these
// build the status, and the status writer sends only what changed).
import { applySteps, markFailed, markReady, markReconciling, markStalled, removeCondition, setCondition, type ConditionInput } from '../api/conditions.ts';
import type { HelmReleaseStatus, Snapshot, TestHookStatus } from '../api/helmrelease.ts';
import { DRIFTED } from './drift/report.ts';

export const RELEASED = 'Released';
export const TEST_SUCCESS = 'TestSuccess';
export const REMEDIATED = 'Remediated';
const MAX_HISTORY = 5;

type Conditions = Readonly<HelmReleaseStatus['conditions']>;

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

/**
 * The release is at the desired state; with `testsPending` it is deployed but its tests have not
 * run yet: the failure counters stay (a failing test counts against the retries) and Ready waits.
 */
export function released(
  status: HelmReleaseStatus | undefined, reason: string, message: string, snapshot: Snapshot | undefined, ctx: StatusContext, testsPending = false,
): HelmReleaseStatus {
  const history = withSnapshot(status?.history, snapshot);
  return {
    ...base(status, ctx),
    ...(history ? { history } : {}),
    ...(testsPending ? {} : { failures: 0, installFailures: 0, upgradeFailures: 0 }),
    storageNamespace: snapshot?.namespace ?? status?.storageNamespace,
    conditions: applySteps(
      status?.conditions,
      testsPending ? markReconciling('TestsPending', `${message}; running its tests`, ctx.generation, ctx.now) : markReady(reason, message, ctx.generation, ctx.now),
      (c) => setCondition(c, { type: RELEASED, status: 'True', reason, message }, ctx.generation, ctx.now),
      // A new revision: the last one's test results and remediation say nothing about it.
      ...(snapshot ? [(c: Conditions) => removeCondition(removeCondition(c, TEST_SUCCESS), REMEDIATED)] : []),
    ),
  };
}

/** An install or upgrade failed: counted, so that retries are bounded; `snapshot` is the failed revision helm recorded, if any. */
export function releaseFailed(
  status: HelmReleaseStatus | undefined, action: 'install' | 'upgrade', reason: string, message: string,
  attempted: { chartVersion: string; valuesDigest: string }, ctx: StatusContext, snapshot?: Snapshot,
): HelmReleaseStatus {
  const history = withSnapshot(status?.history, snapshot);
  return {
    ...counted(base(status, ctx), action),
    ...(history ? { history } : {}),
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

export type TestVerdict = 'passed' | 'failed' | 'ignored';

/**
 * The tests of `revision` ran: their results go into its history entry and TestSuccess. A failure
 * (not ignored) counts as a failed install or upgrade; otherwise the release is done.
 */
export function tested(
  status: HelmReleaseStatus | undefined, revision: number, hooks: TestHookStatus[], verdict: TestVerdict,
  after: 'install' | 'upgrade', message: string, ctx: StatusContext,
): HelmReleaseStatus {
  const history = status?.history?.map((s) => (s.version === revision ? { ...s, testHooks: hooks } : s));
  const test: ConditionInput = { type: TEST_SUCCESS, status: verdict === 'passed' ? 'True' : 'False', reason: verdict === 'passed' ? 'TestSucceeded' : 'TestFailed', message };
  const withResult = { ...status, ...(history ? { history } : {}), conditions: setCondition(status?.conditions, test, ctx.generation, ctx.now) };
  if (verdict !== 'failed') return released(withResult, test.reason, message, undefined, ctx);
  return { ...counted(base(withResult, ctx), after), conditions: applySteps(withResult.conditions, markFailed('TestFailed', message, ctx.generation, ctx.now)) };
}

/** A remediation (rollback or uninstall) ran: Remediated says how it went; Ready stays False, the desired state was not reached. */
export function remediated(
  status: HelmReleaseStatus | undefined, outcome: { ok: boolean; reason: string; message: string; snapshot?: Snapshot }, ctx: StatusContext,
): HelmReleaseStatus {
  const history = withSnapshot(status?.history, outcome.snapshot);
  return {
    ...base(status, ctx),
    ...(history ? { history } : {}),
    conditions: applySteps(
      status?.conditions,
      markFailed(outcome.reason, outcome.message, ctx.generation, ctx.now),
      (c) => setCondition(c, { type: REMEDIATED, status: outcome.ok ? 'True' : 'False', reason: outcome.reason, message: outcome.message }, ctx.generation, ctx.now),
    ),
  };
}

function counted(status: HelmReleaseStatus, action: 'install' | 'upgrade'): HelmReleaseStatus {
  const counter = action === 'install' ? 'installFailures' : 'upgradeFailures';
  return { ...status, failures: (status.failures ?? 0) + 1, [counter]: (status[counter] ?? 0) + 1 };
}

function withSnapshot(history: Snapshot[] | undefined, snapshot: Snapshot | undefined): Snapshot[] | undefined {
  return snapshot ? [snapshot, ...(history ?? []).filter((s) => s.version !== snapshot.version)].slice(0, MAX_HISTORY) : history;
}

/**
 * Records what is about to be attempted (before helm runs: a crash mid-way still counts it). The
 * last attempt's remediation is history now.
 */
export function attempting(status: HelmReleaseStatus | undefined, action: 'install' | 'upgrade', attempted: { chartVersion: string; valuesDigest: string }): HelmReleaseStatus {
  return {
    ...status, lastAttemptedReleaseAction: action, lastAttemptedRevision: attempted.chartVersion, lastAttemptedConfigDigest: attempted.valuesDigest,
    conditions: removeCondition(status?.conditions, REMEDIATED),
  };
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

/** The Drifted condition after a drift check; removed when drift detection is disabled (drift/check.ts). */
export function withDrift(status: HelmReleaseStatus, drifted: ConditionInput | undefined, ctx: StatusContext): HelmReleaseStatus {
  const conditions = drifted ? setCondition(status.conditions, drifted, ctx.generation, ctx.now) : removeCondition(status.conditions, DRIFTED);
  return { ...status, conditions };
}
