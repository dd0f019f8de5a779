// capstan's finalizer on the objects whose deletion has work to do first (a HelmRelease's
// uninstall, a Kustomization's prune), and the ways out of a deletion it holds. Each patch carries
// the resourceVersion it was computed from, so that another controller's change of the list is
// never overwritten; on a conflict (the informer's copy was behind) the list is read again.
import type { KubeClient } from './client.ts';
import { isApiError } from './errors.ts';
import { objectPath, type KubeObject, type ResourceRef } from './resource.ts';

export const FINALIZER = 'finalizers.capstan.dev';

// Conflicts in a row before the error goes to the controller's backoff.
const ATTEMPTS = 5;

export function hasFinalizer(o: KubeObject): boolean {
  return o.metadata.finalizers?.includes(FINALIZER) === true;
}

export async function addFinalizer(client: KubeClient, resource: ResourceRef, o: KubeObject): Promise<void> {
  // The API server refuses new finalizers on an object being deleted.
  await editFinalizers(client, resource, o, (list, now) => (list.includes(FINALIZER) || now.metadata.deletionTimestamp ? undefined : [...list, FINALIZER]));
}

/** Lets the deletion go on; an object already gone is fine. */
export async function removeFinalizer(client: KubeClient, resource: ResourceRef, o: KubeObject): Promise<void> {
  await editFinalizers(client, resource, o, (list) => (list.includes(FINALIZER) ? list.filter((f) => f !== FINALIZER) : undefined));
}

/**
 * `edit` returns the new list, or undefined when there is nothing to change. An object of the same
 * name that is not the one read (deleted and created again meanwhile) is left alone.
 */
async function editFinalizers(client: KubeClient, resource: ResourceRef, read: KubeObject, edit: (list: string[], o: KubeObject) => string[] | undefined): Promise<void> {
  const path = objectPath(resource, read.metadata.namespace, read.metadata.name);
  let o = read;
  for (let attempt = 1; ; attempt++) {
    if (o.metadata.uid !== read.metadata.uid) return;
    const finalizers = edit(o.metadata.finalizers ?? [], o);
    if (finalizers === undefined) return;
    try {
      const written = await client.request<KubeObject>('PATCH', path, {
        body: { metadata: { finalizers, resourceVersion: o.metadata.resourceVersion } },
        contentType: 'application/merge-patch+json',
      });
      client.writes.wrote(path, written.metadata.resourceVersion);
      return;
    } catch (err) {
      if (isApiError(err, 'NotFound')) return;
      if (!isApiError(err, 'Conflict') || attempt >= ATTEMPTS) throw err;
    }
    const latest = await client.getIfExists<KubeObject>(path);
    if (latest === undefined) return;
    o = latest;
  }
}

/**
 * The ways out of a deletion the finalizer holds, for an object of `short` kind (kubectl's short
 * name): fix the cause and let capstan retry (at once with requestedAt), or abandon `what` by
 * suspending the object or removing the finalizer.
 */
export function waysOut(short: string, o: KubeObject, retryMs: number, abandon: string): string {
  const { name } = o.metadata;
  const namespace = o.metadata.namespace ?? 'default';
  return `Either fix that (capstan retries in ${String(Math.round(retryMs / 1000))} s, or at once on kubectl annotate ${short} ${name} -n ${namespace} --overwrite reconcile.capstan.dev/requestedAt="$(date +%s)"), ` +
    `or abandon ${abandon} by setting spec.suspend: true or by removing the finalizer ${FINALIZER}: ` +
    `kubectl patch ${short} ${name} -n ${namespace} --type=json -p '[{"op":"remove","path":"/metadata/finalizers"}]'`;
}
