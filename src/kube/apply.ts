// Server-side apply of one object: capstan's way of writing whole objects it owns (chart CRDs, the
// controller's own install, drift corrections), with the field manager named, conflicts forced.
import type { KubeClient } from './client.ts';
import { objectPath, type KubeObject, type ResourceRef } from './resource.ts';

export interface ApplyOptions {
  fieldManager: string;
  /** Take over fields another manager set (kubectl apply --server-side --force-conflicts). */
  force?: boolean;
  /** Validate and default only (dryRun=All): nothing is stored. */
  dryRun?: boolean;
  signal?: AbortSignal;
}

export function serverSideApply<T extends KubeObject>(client: KubeClient, resource: ResourceRef, obj: KubeObject, options: ApplyOptions): Promise<T> {
  return client.request<T>('PATCH', objectPath(resource, resource.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name), {
    body: obj,
    contentType: 'application/apply-patch+yaml',
    query: { fieldManager: options.fieldManager, force: options.force === true ? true : undefined, dryRun: options.dryRun === true ? 'All' : undefined },
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
