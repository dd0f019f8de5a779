// When a release found pending-install, pending-upgrade, pending-rollback or uninstalling may be
// taken over, and what to tell the user about it (pure: the unlock action gathers the facts).
//
// helm marks a release pending while it works and never unlocks one whose helm process died. A
// pending state capstan may take over is one no helm is still writing: either it was written
// before this controller began acting (the queue runs one worker per HelmRelease and a leader
// lease keeps other replicas out, so no helm of ours runs for it), or it is older than a grace
// that leaves a helm run by someone else (by hand, another tool) time to finish.
import type { Plan, ReleaseStatus } from './plan.ts';

/** How long a pending state written while this controller runs is left to its writer. */
export const DEFAULT_LOCK_GRACE_MS = 30_000;

export interface LockFacts {
  /** When the pending state was written (ms since the epoch). */
  pendingSince: number;
  /** When this controller began reconciling HelmReleases. */
  activeSince: number;
  now: number;
  graceMs: number;
}

export type LockVerdict = { take: true } | { take: false; retryInMs: number };

export function lockVerdict(facts: LockFacts): LockVerdict {
  if (facts.pendingSince < facts.activeSince) return { take: true };
  const left = facts.pendingSince + facts.graceMs - facts.now;
  return left <= 0 ? { take: true } : { take: false, retryInMs: left };
}

/** helm's record of when the pending operation began: the uninstall's start, else the deploy's. */
export function pendingSince(status: ReleaseStatus, info: { last_deployed?: string; deleted?: string }, fallback: number): number {
  const at = Date.parse((status === 'uninstalling' ? info.deleted : info.last_deployed) ?? '');
  return Number.isNaN(at) ? fallback : at;
}

const INTERRUPTED: Partial<Record<ReleaseStatus, string>> = {
  'pending-install': 'install', 'pending-upgrade': 'upgrade', 'pending-rollback': 'rollback', uninstalling: 'uninstall',
};

/** The helm operation that left the release in this state. */
export function interruptedOperation(status: ReleaseStatus): string {
  return INTERRUPTED[status] ?? 'operation';
}

/** What the reconcile after the unlock will do, in words (from the plan for the failed release). */
export function nextStep(locked: ReleaseStatus, next: Plan): string {
  switch (next.action) {
    case 'install':
      return next.replace ? 'installing it again over the failed revision' : 'installing it again';
    case 'upgrade':
      return locked === 'pending-upgrade' ? 'retrying the upgrade' : 'upgrading it';
    case 'remediate':
      return next.strategy === 'rollback' ? `rolling back to revision ${next.revision}` : 'uninstalling it to remediate';
    case 'none':
      return 'nothing else to do';
    case 'stall':
      return `then stalling: ${next.message}`;
    default:
      return `then: ${next.action}`;
  }
}

/**
 * How a locked revision is released. A rollback cut short is discarded rather than marked failed:
 * its manifest already is the rollback target's, and helm 3 patches from the newest revision's
 * manifest, so a second rollback from it would change nothing live (the failed upgrade's objects
 * would stay, and the rollback would wait for them until its timeout). Without it, the newest
 * revision is again the one the rollback was answering, and the patch is the full way back.
 */
export type UnlockMethod = 'mark-failed' | 'discard';

export function unlockMethod(status: ReleaseStatus): UnlockMethod {
  return status === 'pending-rollback' ? 'discard' : 'mark-failed';
}

/** The Warning event's note: what was found and what was done. */
export function unlockNote(release: string, status: ReleaseStatus, revision: number, method: UnlockMethod, next: Plan): string {
  const done = method === 'discard' ? 'removed that unfinished revision' : 'marked failed';
  return `release ${release} was ${status} at revision ${revision} (left by an interrupted helm ${interruptedOperation(status)}): ${done}, ${nextStep(status, next)}`;
}

/** The status message while a recent pending state is left to its writer. */
export function waitingNote(release: string, status: ReleaseStatus, revision: number, retryInMs: number): string {
  return `release ${release} is ${status} at revision ${revision}: a helm ${interruptedOperation(status)} is running or was interrupted; ` +
    `if it has not finished in ${Math.ceil(retryInMs / 1000)} s, capstan marks the revision failed and recovers the release`;
}
