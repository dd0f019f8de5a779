// The object as helm applies it from the manifest: in the release namespace when namespaced, and
// with the ownership label and annotations helm adds at apply time (they are not in the stored
// manifest). Applying it as helm's field manager keeps helm 4's server-side apply ownership whole:
// leaving these out would make the API server remove them, and helm would then refuse the object.
import { getAt, isJsonObject, removeAt, setAt, type Json, type JsonObject } from './pointer.ts';
import type { ManifestObject } from './release-manifest.ts';

/** The field manager helm 3 (client-side apply) and helm 4 (server-side apply) write as. */
export const HELM_FIELD_MANAGER = 'helm';

export interface ReleaseRef {
  name: string;
  namespace: string;
}

export function appliedObject(object: ManifestObject, release: ReleaseRef, namespace: string | undefined): JsonObject {
  const copy = structuredClone(object);
  const metadata = copy.metadata;
  if (namespace === undefined) delete metadata.namespace;
  else metadata.namespace = namespace;
  metadata.labels = { ...(isJsonObject(metadata.labels) ? metadata.labels : {}), 'app.kubernetes.io/managed-by': 'Helm' };
  metadata.annotations = {
    ...(isJsonObject(metadata.annotations) ? metadata.annotations : {}),
    'meta.helm.sh/release-name': release.name,
    'meta.helm.sh/release-namespace': release.namespace,
  };
  return copy;
}

/**
 * What a correction applies: the applied object with every ignored field as it is live, so that
 * correcting one field does not overwrite a field the user asked drift detection to leave alone.
 */
export function correctionObject(applied: JsonObject, live: Json | undefined, ignored: readonly string[]): JsonObject {
  const copy = structuredClone(applied);
  for (const pointer of ignored) {
    const value = live === undefined ? undefined : getAt(live, pointer);
    if (value === undefined || !setAt(copy, pointer, structuredClone(value))) removeAt(copy, pointer);
  }
  return copy;
}
