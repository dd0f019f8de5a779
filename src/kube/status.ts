// Writes an object's status through the status subresource, and only when it changed: an
// unchanged reconcile makes no API write.
import type { KubeClient } from './client.ts';
import { mergePatch } from './merge-patch.ts';
import { objectPath, splitKey, type KubeObject, type ResourceRef } from './resource.ts';

export interface WithStatus<S> extends KubeObject {
  status?: S;
}

/** Returns true when a write was made. */
export async function writeStatus<S>(client: KubeClient, resource: ResourceRef, obj: WithStatus<S>, status: S): Promise<boolean> {
  const patch = mergePatch(obj.status ?? {}, status);
  if (patch === undefined) return false;
  const path = objectPath(resource, obj.metadata.namespace, obj.metadata.name);
  const written = await client.request<KubeObject>('PATCH', `${path}/status`, {
    body: { status: patch },
    contentType: 'application/merge-patch+json',
  });
  client.writes.wrote(path, written.metadata.resourceVersion);
  return true;
}

/**
 * The object as the API server holds it now: `cached` itself when the cache is current, undefined
 * when the object is gone. For decisions taken from what the last reconcile wrote, which the cache
 * may not show yet.
 */
export async function asStored<T extends KubeObject>(client: KubeClient, resource: ResourceRef, cached: T): Promise<T | undefined> {
  const path = objectPath(resource, cached.metadata.namespace, cached.metadata.name);
  const stored = await client.getIfExists<T>(path);
  client.writes.forget(path);
  return stored?.metadata.resourceVersion === cached.metadata.resourceVersion ? cached : stored;
}

/** Whether `cached` may not show what this process last wrote to it (WriteLog): then read it through. */
export function mayPredateOwnWrite(client: KubeClient, resource: ResourceRef, cached: KubeObject): boolean {
  return client.writes.mayPredate(objectPath(resource, cached.metadata.namespace, cached.metadata.name), cached.metadata.resourceVersion);
}

/** The object of `key` ("namespace/name") is gone: its WriteLog entry with it. */
export function forgetObject(client: KubeClient, resource: ResourceRef, key: string): void {
  const { namespace, name } = splitKey(key);
  client.writes.forget(objectPath(resource, namespace, name));
}
