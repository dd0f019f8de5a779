// Compares two versions of an object along one field manager's field set (managedFields
// fieldsV1): the fields a server-side apply of the release manifest owns, and nothing else. So a
// field another controller set (an HPA's replicas aside, an injected sidecar, a status, a
// defaulted field) is never drift, and list items are matched by the keys the API server itself
// uses (a container by name, a port by port and protocol).
import { deepEqual } from '../../kube/merge-patch.ts';
import { isJsonObject, joinPointer, type Json } from './pointer.ts';

/** fieldsV1: `f:<field>`, `k:<json key of a list item>`, `v:<json value of a set item>`, `i:<index>`, `.` (the item itself). */
export interface FieldSet {
  [path: string]: FieldSet;
}

/** JSON pointers (into `desired`, list indexes as in `desired`) of owned fields whose values differ. */
export function driftedFields(fields: FieldSet, desired: Json | undefined, live: Json | undefined): string[] {
  const out: string[] = [];
  walk(fields, desired, live, '', out);
  return out;
}

function walk(fields: FieldSet, desired: Json | undefined, live: Json | undefined, pointer: string, out: string[]): void {
  const children = Object.keys(fields).filter((k) => k !== '.');
  // A leaf is owned as a whole: a scalar, an atomic list or map, or a set item.
  if (children.length === 0) {
    if (!deepEqual(desired, live)) out.push(pointer);
    return;
  }
  if (desired === undefined && live === undefined) return;
  if (desired === undefined || live === undefined) {
    out.push(pointer);
    return;
  }
  for (const key of children) {
    const sub = fields[key] ?? {};
    const kind = key.slice(0, 2);
    const rest = key.slice(2);
    if (kind === 'f:') {
      walk(sub, field(desired, rest), field(live, rest), joinPointer(pointer, rest), out);
    } else if (kind === 'k:') {
      const test = hasKey(JSON.parse(rest) as Json);
      const d = indexWhere(desired, test);
      const l = indexWhere(live, test);
      walk(sub, itemAt(desired, d), itemAt(live, l), joinPointer(pointer, d >= 0 ? d : l), out);
    } else if (kind === 'v:') {
      const value = JSON.parse(rest) as Json;
      const d = indexWhere(desired, (item) => deepEqual(item, value));
      const l = indexWhere(live, (item) => deepEqual(item, value));
      if ((d >= 0) !== (l >= 0)) out.push(joinPointer(pointer, d >= 0 ? d : l));
    } else if (kind === 'i:') {
      const index = Number(rest);
      walk(sub, itemAt(desired, index), itemAt(live, index), joinPointer(pointer, index), out);
    }
  }
}

function field(value: Json, name: string): Json | undefined {
  return isJsonObject(value) && Object.hasOwn(value, name) ? value[name] : undefined;
}

/** A list item whose key fields (a container's name, a port's port and protocol) are `key`'s. */
function hasKey(key: Json): (item: Json) => boolean {
  return (item) => isJsonObject(item) && isJsonObject(key) && Object.entries(key).every(([k, v]) => deepEqual(item[k], v));
}

function indexWhere(list: Json, test: (item: Json) => boolean): number {
  return Array.isArray(list) ? list.findIndex(test) : -1;
}

function itemAt(list: Json, index: number): Json | undefined {
  return Array.isArray(list) && index >= 0 ? list[index] : undefined;
}
