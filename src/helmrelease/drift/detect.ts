// Looks for drift in a release's objects: for each manifest object, the live object (GET) and a
// server-side apply dry run of the manifest object (PATCH apply-patch, dryRun=All, force) under
// a field manager of its own, compared by compare.ts. Nothing is written.
import { ApiError, isApiError } from '../../kube/errors.ts';
import type { KubeClient } from '../../kube/client.ts';
import type { Discovery } from '../../kube/discovery.ts';
import { objectPath, type ResourceRef } from '../../kube/resource.ts';
import type { DriftIgnoreRule } from '../../api/helmrelease.ts';
import { appliedObject, type ReleaseRef } from './applied-object.ts';
import { compareObject } from './compare.ts';
import { ignoredPaths, optedOut } from './ignore.ts';
import { isJsonObject, type Json, type JsonObject } from './pointer.ts';
import type { ManifestObject } from './release-manifest.ts';

// Its own manager, not helm's: the dry run then owns exactly the manifest's fields, whatever
// helm 3 (Update) or helm 4 (Apply) recorded, and a dry run persists no ownership anyway.
export const DRIFT_FIELD_MANAGER = 'capstan-drift';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string | undefined;
}

export interface DriftedObject {
  ref: ObjectRef;
  resource: ResourceRef;
  /** Deleted from the cluster. */
  missing: boolean;
  /** JSON pointers of the drifted fields (empty when missing). */
  fields: string[];
  /** The object as helm applies it, and the fields of it left alone. */
  applied: JsonObject;
  ignored: string[];
  live: Json | undefined;
}

export interface DriftReport {
  /** Objects compared (opted-out ones left out). */
  checked: number;
  drifted: DriftedObject[];
}

/** Drift detection could not look at an object: the API's words, and which object. */
export class DriftDetectionError extends Error {
  override readonly name = 'DriftDetectionError';
}

export interface DetectInput {
  client: KubeClient;
  discovery: Discovery;
  release: ReleaseRef;
  objects: readonly ManifestObject[];
  rules: readonly DriftIgnoreRule[];
  signal?: AbortSignal;
}

export async function detectDrift(input: DetectInput): Promise<DriftReport> {
  const report: DriftReport = { checked: 0, drifted: [] };
  for (const object of input.objects) {
    const drift = await detectObject(input, object);
    if (drift === 'opted-out') continue;
    report.checked++;
    if (drift) report.drifted.push(drift);
  }
  return report;
}

export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

async function detectObject(input: DetectInput, object: ManifestObject): Promise<DriftedObject | undefined | 'opted-out'> {
  const { client, release } = input;
  const resource = await input.discovery.resource(object.apiVersion, object.kind);
  const namespace = resource?.namespaced ? (object.metadata.namespace ?? release.namespace) : undefined;
  const ref: ObjectRef = { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, namespace };
  if (!resource) throw new DriftDetectionError(`${describeRef(ref)}: the API server does not serve ${object.apiVersion} ${object.kind} (was its CRD deleted?)`);
  const applied = appliedObject(object, release, namespace);
  if (optedOut(annotationsOf(applied))) return 'opted-out';

  const path = objectPath(resource, namespace, ref.name);
  const live = await request(ref, () => client.request<Json>('GET', path, { signal: input.signal }), true);
  if (live !== undefined && optedOut(annotationsOf(live))) return 'opted-out';
  const ignored = ignoredPaths(input.rules, {
    group: resource.group, version: resource.version, kind: resource.kind, name: ref.name, namespace,
    labels: labelsOf(live ?? applied),
  });
  if (live === undefined) return { ref, resource, missing: true, fields: [], applied, ignored, live };

  const dryRun = await request(ref, () => client.request<Json>('PATCH', path, {
    query: { fieldManager: DRIFT_FIELD_MANAGER, force: true, dryRun: 'All' },
    body: applied,
    contentType: 'application/apply-patch+yaml',
    signal: input.signal,
  }), false);
  if (dryRun === undefined) return undefined;
  const fields = compareObject(dryRun, live, DRIFT_FIELD_MANAGER, ignored);
  return fields.length === 0 ? undefined : { ref, resource, missing: false, fields, applied, ignored, live };
}

/** undefined for a 404 when `notFoundIsAbsent`; other API errors say which object failed. */
async function request(ref: ObjectRef, send: () => Promise<Json>, notFoundIsAbsent: boolean): Promise<Json | undefined> {
  try {
    return await send();
  } catch (err) {
    if (notFoundIsAbsent && isApiError(err, 'NotFound')) return undefined;
    if (err instanceof ApiError) throw new DriftDetectionError(`${describeRef(ref)}: ${err.message}`, { cause: err });
    throw err;
  }
}

function metadataMap(object: Json, key: 'labels' | 'annotations'): Record<string, string> {
  const metadata = isJsonObject(object) ? object.metadata : undefined;
  const map = isJsonObject(metadata) ? metadata[key] : undefined;
  return isJsonObject(map) ? Object.fromEntries(Object.entries(map).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};
}

const labelsOf = (o: Json) => metadataMap(o, 'labels');
const annotationsOf = (o: Json) => metadataMap(o, 'annotations');
