// Puts drifted objects back as the manifest says, one server-side apply (force) per drifted
// object, under helm's own field manager: a deleted object is created again, a changed field
// is set back, and nothing else of the release is touched (no helm upgrade, no new revision).
import { ApiError } from '../../kube/errors.ts';
import type { KubeClient } from '../../kube/client.ts';
import { objectPath } from '../../kube/resource.ts';
import { correctionObject, HELM_FIELD_MANAGER } from './applied-object.ts';
import { describeRef, type DriftedObject } from './detect.ts';

export class DriftCorrectionError extends Error {
  override readonly name = 'DriftCorrectionError';
}

export async function correctDrift(client: KubeClient, drifted: readonly DriftedObject[], signal?: AbortSignal): Promise<void> {
  for (const object of drifted) {
    try {
      await client.request('PATCH', objectPath(object.resource, object.ref.namespace, object.ref.name), {
        query: { fieldManager: HELM_FIELD_MANAGER, force: true },
        body: correctionObject(object.applied, object.live, object.ignored),
        contentType: 'application/apply-patch+yaml',
        signal,
      });
    } catch (err) {
      if (err instanceof ApiError) throw new DriftCorrectionError(`${describeRef(object.ref)}: ${err.message}`, { cause: err });
      throw err;
    }
  }
}
