// What deleting a Kustomization does to the objects it applied, and the words for it (pure; the
// I/O is finalize.ts). As Flux's kustomize-controller: with spec.prune: true the objects of its
// inventory go with it, by prune's rules; with prune off or suspended they stay.
import type { Kustomization } from '../api/objects.ts';
import { waysOut } from '../kube/finalizers.ts';
import { PRUNE_ANNOTATION, PRUNE_DISABLED } from './apply/ownership.ts';
import { plural } from './events.ts';

/** Prune the inventory, or keep it (and why, for the log). */
export type Deletion = { prune: true } | { prune: false; why: string };

export function deletionOf(ks: Kustomization): Deletion {
  if (ks.spec.suspend) return { prune: false, why: 'suspended (spec.suspend: true)' };
  if (!ks.spec.prune) return { prune: false, why: 'spec.prune is not true' };
  return { prune: true };
}

/** The Normal event's note: how many of the inventory's objects were deleted, which, and why the others were not. */
export function prunedNote(pruned: readonly string[], inventory: number): string {
  const head = `deleted with the Kustomization: ${String(pruned.length)} of ${plural(inventory)} in its inventory pruned`;
  const which = pruned.length > 0 ? `: ${pruned.join(', ')}` : '';
  const kept = inventory - pruned.length;
  const others = kept > 0
    ? `; ${plural(kept)} already gone or kept (annotated ${PRUNE_ANNOTATION}: ${PRUNE_DISABLED}, or owned by another Kustomization or a Helm release)`
    : '';
  return head + which + others;
}

/** Why the Kustomization is still there, and the ways out: fix the cause, or abandon the objects. */
export function pruneFailedMessage(ks: Kustomization, cause: string, retryMs: number): string {
  return `deleting the objects of Kustomization ${ks.metadata.namespace ?? 'default'}/${ks.metadata.name} failed, so it is kept: ${cause}. ` +
    waysOut('ks', ks, retryMs, 'its objects (they stay in place)');
}
