// Deletes the objects that left the source (stale inventory entries), in reverse apply order with
// Namespaces and CRDs last, each read first so that ownership.ts can veto it. An object already
// gone, or whose kind is no longer served, counts as pruned by someone else and is skipped.
import { isApiError } from '../../kube/errors.ts';
import { objectPath, type KubeObject } from '../../kube/resource.ts';
import type { ApplyContext } from './apply-set.ts';
import { apiFailure } from './errors.ts';
import { describeIdentity, parseId, type InventoryEntry } from './inventory.ts';
import { pruneOrder } from './order.ts';
import { pruneVeto } from './ownership.ts';
import { deleteObject } from './write.ts';

/** The objects deleted ("Deployment/apps/web"), in the order they were. */
export async function prune(stale: readonly InventoryEntry[], ctx: ApplyContext): Promise<string[]> {
  const pruned: string[] = [];
  const identified = stale.map((entry) => ({ entry, identity: parseId(entry.id) }));
  for (const { entry, identity } of pruneOrder(identified, (i) => i.identity.kind)) {
    const what = describeIdentity(identity);
    const resource = await ctx.discovery.resource(identity.group ? `${identity.group}/${entry.v}` : entry.v, identity.kind);
    if (!resource) continue;
    const path = objectPath(resource, identity.namespace || undefined, identity.name);
    let live: KubeObject;
    try {
      live = await ctx.client.request<KubeObject>('GET', path, ctx.signal ? { signal: ctx.signal } : {});
    } catch (err) {
      if (isApiError(err, 'NotFound')) continue;
      throw apiFailure(err, what, 'reading', 'ApplyFailed');
    }
    if (pruneVeto(live, ctx.owner) !== undefined) continue;
    if (await deleteObject(ctx.client, path, what, ctx.signal)) pruned.push(what);
  }
  return pruned;
}
