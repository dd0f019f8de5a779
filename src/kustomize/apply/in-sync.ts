// Whether an object is already as the source says: the server-side apply dry run of it (what the
// object would become) against the live object, both without the fields the API server changes
// on every write or that belong to controllers. Equal means the apply would change nothing, so
// it is not sent: an in-sync resync writes nothing at all. Pure.
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../kube/resource.ts';

type Json = Record<string, unknown>;

const SERVER_METADATA = new Set(['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp']);

function comparable(o: KubeObject): Json {
  const { status: _status, metadata, ...rest } = o as KubeObject & { status?: unknown };
  return { ...rest, metadata: Object.fromEntries(Object.entries(metadata).filter(([key]) => !SERVER_METADATA.has(key))) };
}

export function inSync(dryRun: KubeObject, live: KubeObject): boolean {
  return isDeepStrictEqual(comparable(dryRun), comparable(live));
}
