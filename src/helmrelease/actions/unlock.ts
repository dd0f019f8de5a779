// Recovers a release left locked (pending-*, uninstalling) by an interrupted helm: the stuck
// revision is marked failed in Helm's storage (a rollback's is removed: lock.ts unlockMethod),
// and the reconcile that the Secret's change brings plans from there as for any failed release
// (retry, remediate, install again). helm itself has no unlock command; Flux's helm-controller
// marks the revision failed too.
import { LOCKED_STATUSES, type Plan, type ReleaseStatus } from '../plan.ts';
import { deleteRelease, readRelease, setReleaseStatus, type StoredRelease } from '../../helm/release-storage.ts';
import type { KubeClient } from '../../kube/client.ts';
import { isApiError } from '../../kube/errors.ts';
import { writeStatus } from '../../kube/status.ts';
import { apiClientFor, event, type HelmReleaseDeps } from '../context.ts';
import { DEFAULT_LOCK_GRACE_MS, interruptedOperation, lockVerdict, pendingSince, unlockMethod, unlockNote, waitingNote, type UnlockMethod } from '../lock.ts';
import { factsMetadata } from '../events.ts';
import { blocked } from '../status.ts';
import { releaseFacts } from './facts.ts';
import { HELM_RELEASE, type ReleaseActionInput } from './release-action.ts';

export interface LockedRelease {
  revision: number;
  status: ReleaseStatus;
}

export type UnlockOutcome =
  /** Marked failed: the Secret watch brings the HelmRelease back to plan from there. */
  | { state: 'unlocked' }
  /** Recent enough that its helm may still be running: look again then. */
  | { state: 'waiting'; retryInMs: number }
  /** Not locked any more (its helm finished, or the cache was behind): plan again. */
  | { state: 'released' }
  /** RBAC refused the service account the release's storage: stalled until the user acts. */
  | { state: 'denied' };

export interface UnlockContext {
  /** When this controller began reconciling (a pending state older than that is no helm of ours). */
  activeSince: number;
  now: number;
  /** What the plan does once the release is failed (for the event). */
  followUp: (failed: LockedRelease) => Plan;
}

export async function unlockRelease(deps: HelmReleaseDeps, input: ReleaseActionInput, locked: LockedRelease, uc: UnlockContext): Promise<UnlockOutcome> {
  try {
    return await unlock(deps, input, locked, uc);
  } catch (err) {
    if (!isApiError(err, 'Forbidden')) throw err;
    const message = `release ${input.namespace}/${input.releaseName} is ${locked.status} and cannot be recovered: ${err.message}; ` +
      `grant ${input.impersonate ?? 'capstan'} get and update on secrets in ${input.namespace} with a Role and RoleBinding`;
    await writeStatus(deps.client, HELM_RELEASE, input.stored, blocked(input.hr.status, 'AccessDenied', message, true, input.ctx));
    return { state: 'denied' };
  }
}

async function unlock(deps: HelmReleaseDeps, input: ReleaseActionInput, locked: LockedRelease, uc: UnlockContext): Promise<UnlockOutcome> {
  const ref = `${input.namespace}/${input.releaseName}`;
  // Read fresh (the cache has labels only and may be behind) and as the HelmRelease's service
  // account: a tenant unlocks only what it could have written.
  const client = apiClientFor(input.hr, deps);
  const stored = await readRelease(client, input.namespace, input.releaseName, locked.revision);
  const status = stored?.release.info?.status;
  if (!stored || status === undefined || !(LOCKED_STATUSES as readonly string[]).includes(status)) return { state: 'released' };
  const found = status as ReleaseStatus;

  const createdAt = Date.parse(stored.secret.metadata.creationTimestamp ?? '');
  const since = pendingSince(found, stored.release.info ?? {}, Number.isNaN(createdAt) ? uc.now : createdAt);
  const verdict = lockVerdict({ pendingSince: since, activeSince: uc.activeSince, now: uc.now, graceMs: deps.lockGraceMs ?? DEFAULT_LOCK_GRACE_MS });
  if (!verdict.take) {
    const message = waitingNote(ref, found, locked.revision, verdict.retryInMs);
    await writeStatus(deps.client, HELM_RELEASE, input.stored, blocked(input.hr.status, 'ReleaseLocked', message, false, input.ctx));
    input.log.info({ release: ref, status: found, retryInMs: verdict.retryInMs }, message);
    return { state: 'waiting', retryInMs: verdict.retryInMs };
  }

  let after: Released;
  try {
    after = await release(client, input, stored, { revision: locked.revision, status: found }, uc.now);
  } catch (err) {
    // helm (or another writer) changed the revision since it was read: plan from what it wrote.
    if (isApiError(err, 'Conflict')) return { state: 'released' };
    throw err;
  }
  const note = unlockNote(ref, found, locked.revision, after.method, uc.followUp(after.newest));
  input.log.warn({ release: ref, status: found, revision: locked.revision }, note);
  await deps.events.record(event(input.hr, {
    type: 'Warning', reason: 'ReleaseUnlocked', action: 'Unlock', note,
    metadata: { ...factsMetadata(releaseFacts(input)), lockedRevision: String(locked.revision), lockedStatus: found },
  }));
  return { state: 'unlocked' };
}

interface Released {
  method: UnlockMethod;
  /** The newest revision once it is done. */
  newest: LockedRelease;
}

/** Marks the locked revision failed, or discards it (unlockMethod). */
async function release(client: KubeClient, input: ReleaseActionInput, stored: StoredRelease, locked: LockedRelease, now: number): Promise<Released> {
  const previous = unlockMethod(locked.status) === 'discard'
    ? await readRelease(client, input.namespace, input.releaseName, locked.revision - 1)
    : undefined;
  const previousStatus = previous?.release.info?.status;
  if (previous && previousStatus !== undefined) {
    await deleteRelease(client, stored);
    return { method: 'discard', newest: { revision: locked.revision - 1, status: previousStatus as ReleaseStatus } };
  }
  // Nothing before it to roll back from (its history was pruned): keep it, marked failed.
  const description = `capstan: marked failed, found ${locked.status} (an interrupted helm ${interruptedOperation(locked.status)})`;
  await setReleaseStatus(client, stored, 'failed', description, new Date(now));
  return { method: 'mark-failed', newest: { revision: locked.revision, status: 'failed' } };
}
