// The inventory of a Kustomization: one entry per applied object, in Flux's format (so that
// `status.inventory` reads as Flux users know it): id `<namespace>_<name>_<group>_<kind>` and the
// apiVersion's version apart, since an object keeps its identity when its version changes.
// Pure: the reconciler keeps the entries in status and hands the stale ones to prune.
import type { KubeObject } from '../../kube/resource.ts';
import { applyRank } from './order.ts';

export interface InventoryEntry {
  /** `${namespace}_${name}_${group}_${kind}`; namespace '' for cluster-scoped objects, group '' for the core group. */
  id: string;
  /** The version part of the object's apiVersion ("v1" of "apps/v1"). */
  v: string;
}

/** What an inventory id names. */
export interface ObjectIdentity {
  namespace: string;
  name: string;
  group: string;
  kind: string;
}

// RBAC names may hold ':', written '__' in an id as cli-utils does (names cannot hold '_').
const COLON = '__';

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function identityOf(o: KubeObject): ObjectIdentity {
  return { namespace: o.metadata.namespace ?? '', name: o.metadata.name, group: splitApiVersion(o.apiVersion ?? '').group, kind: o.kind ?? '' };
}

export function idOf(i: ObjectIdentity): string {
  return [i.namespace, i.name.replaceAll(':', COLON), i.group, i.kind].join('_');
}

/** The inverse of idOf, as cli-utils parses it: kind and group from the end, namespace from the start. */
export function parseId(id: string): ObjectIdentity {
  const kindAt = id.lastIndexOf('_');
  const groupAt = id.lastIndexOf('_', kindAt - 1);
  const namespaceEnd = id.indexOf('_');
  if (kindAt < 0 || groupAt < 0 || namespaceEnd >= groupAt) throw new Error(`inventory id ${JSON.stringify(id)} is not <namespace>_<name>_<group>_<kind>`);
  return {
    namespace: id.slice(0, namespaceEnd),
    name: id.slice(namespaceEnd + 1, groupAt).replaceAll(COLON, ':'),
    group: id.slice(groupAt + 1, kindAt),
    kind: id.slice(kindAt + 1),
  };
}

/** "Deployment/apps/web", "Namespace/apps": how change sets and messages name an object. */
export function describeIdentity(i: Pick<ObjectIdentity, 'kind' | 'namespace' | 'name'>): string {
  return i.namespace ? `${i.kind}/${i.namespace}/${i.name}` : `${i.kind}/${i.name}`;
}

export function describeObject(o: KubeObject): string {
  return describeIdentity(identityOf(o));
}

/** The entries of the objects in apply order (kind rank, then id): the same set always gives the same list. */
export function inventoryOf(objects: readonly KubeObject[]): InventoryEntry[] {
  const entries = new Map<string, InventoryEntry & { rank: number }>();
  for (const o of objects) {
    const id = idOf(identityOf(o));
    entries.set(id, { id, v: splitApiVersion(o.apiVersion ?? '').version, rank: applyRank(o.kind ?? '') });
  }
  return [...entries.values()]
    .sort((a, b) => a.rank - b.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map(({ id, v }) => ({ id, v }));
}

/** Entries of `previous` whose object is no longer in `current` (same id; a version change is not a removal). */
export function staleEntries(previous: readonly InventoryEntry[], current: readonly InventoryEntry[]): InventoryEntry[] {
  const kept = new Set(current.map((e) => e.id));
  return previous.filter((e) => !kept.has(e.id));
}
