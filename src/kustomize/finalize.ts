// Deletion of a Kustomization, as Flux's kustomize-controller: its finalizer (the HelmRelease's,
// finalizers.capstan.dev) first prunes the objects of its inventory with prune's rules and as its
// service account (apply/prune.ts), unless deletion.ts keeps them. A prune that fails keeps the
// Kustomization, says why and the ways out (status, Warning), and is retried with backoff.
import { ANNOTATIONS, type Kustomization } from '../api/objects.ts';
import { hasFinalizer, removeFinalizer } from '../kube/finalizers.ts';
import type { EventRecorder } from '../kube/events.ts';
import type { KubeClient } from '../kube/client.ts';
import { capstanResource, objectPath } from '../kube/resource.ts';
import { writeStatus } from '../kube/status.ts';
import type { RetrySchedule } from '../runtime/retry-delay.ts';
import type { ReconcileContext, ReconcileResult } from '../runtime/controller.ts';
import { ApplyError, type ApplyContext } from './apply/apply-set.ts';
import { prune } from './apply/prune.ts';
import { deletionOf, prunedNote, pruneFailedMessage } from './deletion.ts';
import { event, PRUNE_FAILED, PRUNED } from './events.ts';
import { failed, statusContextOf } from './status.ts';

const RESOURCE = capstanResource('Kustomization');

export interface FinalizeDeps {
  /** The controller's own client: the finalizer and the status are the controller's business. */
  client: KubeClient;
  events: EventRecorder;
  /** Failed attempts by key, for the backoff; forgotten once the finalizer is removed. */
  retries: RetrySchedule;
  now: () => number;
}

/** `apply` acts as the Kustomization's service account, as its apply does. */
export async function finalize(deps: FinalizeDeps, key: string, cached: Kustomization, apply: ApplyContext, rc: ReconcileContext): Promise<ReconcileResult> {
  // The informer's copy may lack the inventory of an apply that finished just before the deletion;
  // one gone, created again or without the finalizer is not this deletion's to finish.
  const ks = await deps.client.getIfExists<Kustomization>(objectPath(RESOURCE, cached.metadata.namespace, cached.metadata.name));
  if (ks === undefined || ks.metadata.uid !== cached.metadata.uid || !hasFinalizer(ks)) {
    deps.retries.forget(key);
    return {};
  }
  const deletion = deletionOf(ks);
  if (deletion.prune) {
    const requestedAt = ks.metadata.annotations?.[ANNOTATIONS.requestedAt];
    const waitMs = deps.retries.waitMs(key, requestedAt);
    if (waitMs > 0) return { requeueAfterMs: waitMs };
    const entries = ks.status?.inventory?.entries ?? [];
    try {
      const pruned = await prune(entries, apply);
      const note = prunedNote(pruned, entries.length);
      await deps.events.record(event(ks, { type: 'Normal', reason: PRUNED, action: 'Delete', note, metadata: { pruned: String(pruned.length) } }));
      rc.log.info({ pruned: pruned.length, inventory: entries.length }, note);
    } catch (err) {
      // Not the objects' fault (the API server unreachable, cancelled): the controller's backoff.
      if (!(err instanceof ApplyError) || rc.signal.aborted) throw err;
      const retryMs = deps.retries.failed(key, requestedAt);
      const message = pruneFailedMessage(ks, err.message, retryMs);
      await writeStatus(deps.client, RESOURCE, ks, failed(ks.status, { reason: PRUNE_FAILED, message }, statusContextOf(ks, deps.now())));
      await deps.events.record(event(ks, { type: 'Warning', reason: PRUNE_FAILED, action: 'Delete', note: message, metadata: { object: err.object } }));
      rc.log.warn({ reason: err.reason, object: err.object, retryInMs: retryMs }, message);
      return { requeueAfterMs: retryMs };
    }
  } else {
    rc.log.info({ inventory: ks.status?.inventory?.entries.length ?? 0 }, `deleted without pruning: ${deletion.why}`);
  }
  deps.retries.forget(key);
  await removeFinalizer(deps.client, RESOURCE, ks);
  return {};
}
