// The events a Kustomization emits (docs/kustomization.md lists them for alert authors): one for
// every apply that changed something, with the counts of created / configured / unchanged /
// pruned objects, one when a revision is applied and healthy, one when its deletion pruned its
// objects, and a Warning for each failure.
import type { Kustomization } from '../api/objects.ts';
import type { EventInput } from '../kube/events.ts';

export const REGARDING = { apiVersion: 'kustomize.capstan.dev/v1', kind: 'Kustomization' };

/** Normal events; Warnings carry the failure's reason (the Ready condition's). */
export const PROGRESSING = 'Progressing';
/** Deleted with the Kustomization (finalize.ts): the objects of its inventory, or a failure to. */
export const PRUNED = 'Pruned';
export const PRUNE_FAILED = 'PruneFailed';

export function event(ks: Kustomization, input: Omit<EventInput, 'regarding'>): EventInput {
  return { regarding: { ...ks, ...REGARDING }, ...input };
}

/** What one apply did, object ids as `Kind/namespace/name`. */
export interface Changes {
  created: readonly string[];
  configured: readonly string[];
  unchanged: readonly string[];
  pruned: readonly string[];
}

export function changed(c: Changes): boolean {
  return c.created.length + c.configured.length + c.pruned.length > 0;
}

/** "1 object", "3 objects". */
export function plural(n: number): string {
  return `${String(n)} object${n === 1 ? '' : 's'}`;
}

/** "2 created, 1 configured, 5 unchanged, 0 pruned" */
export function counts(c: Changes): string {
  return `${String(c.created.length)} created, ${String(c.configured.length)} configured, ${String(c.unchanged.length)} unchanged, ${String(c.pruned.length)} pruned`;
}

/** The counts, then which objects changed (the recorder truncates a long note). */
export function changeNote(revision: string, c: Changes): string {
  const lists = (['created', 'configured', 'pruned'] as const)
    .filter((k) => c[k].length > 0)
    .map((k) => `${k}: ${c[k].join(', ')}`);
  return [`applied revision ${revision}: ${counts(c)}`, ...lists].join('; ');
}

/** Event metadata for notifications: the revision and the counts, as strings. */
export function changeMetadata(revision: string, c: Changes): Record<string, string> {
  return {
    revision,
    created: String(c.created.length), configured: String(c.configured.length),
    unchanged: String(c.unchanged.length), pruned: String(c.pruned.length),
  };
}
