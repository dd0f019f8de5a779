// Writes an object's status through the status subresource, and only when it changed: an
// unchanged reconcile makes no API write.
import type { KubeClient } from './client.ts';
import { mergePatch } from './merge-patch.ts';
import { objectPath, type KubeObject, type ResourceRef } from './resource.ts';

export interface WithStatus<S> extends KubeObject {
  status?: S;
}

/** Returns true when a write was made. */
export async function writeStatus<S>(client: KubeClient, resource: ResourceRef, obj: WithStatus<S>, status: S): Promise<boolean> {
  const patch = mergePatch(obj.status ?? {}, status);
  if (patch === undefined) return false;
  await client.request('PATCH', `${objectPath(resource, obj.metadata.namespace, obj.metadata.name)}/status`, {
    body: { status: patch },
    contentType: 'application/merge-patch+json',
  });
  return true;
}
