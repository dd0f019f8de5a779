// What a valid webhook call does: sets reconcile.capstan.dev/requestedAt on every object the
// Receiver names (one by name, or all of a kind with matching labels), which their controllers
// treat as a request to reconcile now.
import type { ObjectSelector } from '../api/notification.ts';
import { ANNOTATIONS } from '../api/objects.ts';
import type { KindName } from '../api/kinds.ts';
import type { KubeClient } from '../kube/client.ts';
import { isApiError } from '../kube/errors.ts';
import { capstanResource, collectionPath, objectPath, type KubeList, type KubeObject } from '../kube/resource.ts';

export interface RequestOutcome {
  requested: string[];
  missing: string[];
}

export async function requestReconciles(client: KubeClient, namespace: string, resources: readonly ObjectSelector[], at: string): Promise<RequestOutcome> {
  const outcome: RequestOutcome = { requested: [], missing: [] };
  const patch = { metadata: { annotations: { [ANNOTATIONS.requestedAt]: at } } };
  for (const selector of resources) {
    const resource = capstanResource(selector.kind as KindName);
    const ns = selector.namespace ?? namespace;
    const names = selector.name === '*' ? await namesOf(client, resource, ns, selector.matchLabels) : [selector.name];
    for (const name of names) {
      const ref = `${selector.kind}/${ns}/${name}`;
      try {
        await client.request('PATCH', objectPath(resource, ns, name), { body: patch, contentType: 'application/merge-patch+json' });
        outcome.requested.push(ref);
      } catch (err) {
        if (!isApiError(err, 'NotFound')) throw err;
        outcome.missing.push(ref);
      }
    }
  }
  return outcome;
}

async function namesOf(client: KubeClient, resource: ReturnType<typeof capstanResource>, namespace: string, labels: Record<string, string> = {}): Promise<string[]> {
  const labelSelector = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
  const list = await client.request<KubeList<KubeObject>>('GET', collectionPath(resource, namespace), { query: labelSelector ? { labelSelector } : {} });
  return (list.items ?? []).map((o) => o.metadata.name);
}
