// Applies a Kustomization's objects the way Flux's kustomize-controller does, in two stages:
//   1. CRDs and Namespaces, then wait for the CRDs to be Established;
//   2. everything else.
// Every object is dry-run first (server-side apply, dryRun=All): when one is invalid nothing is
// written and the error names it in the API server's words. Objects the API server cannot
// validate before stage 1 is written (custom resources whose CRD the set creates or changes,
// objects in a Namespace it creates) are dry-run after stage 1. An object whose dry run equals
// the live object is not sent at all: an in-sync set costs reads and dry runs, never a write.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from '../../kube/client.ts';
import { CrdNotEstablishedError, waitEstablished } from '../../kube/crds.ts';
import type { Discovery } from '../../kube/discovery.ts';
import type { KubeObject } from '../../kube/resource.ts';
import { dryRun, type Planned } from './dry-run.ts';
import { apiFailure, ApplyError } from './errors.ts';
import { describeObject, inventoryOf, type InventoryEntry } from './inventory.ts';
import { settleLimited } from './limited.ts';
import { applyRank, isSetupKind } from './order.ts';
import { kindsDefinedBy, labelled, targetOf, type Owner, type Target } from './target.ts';
import { write } from './write.ts';

export { ApplyError } from './errors.ts';

export interface ApplyContext {
  /** Already impersonating the Kustomization's service account when it names one. */
  client: KubeClient;
  discovery: Discovery;
  /** The Kustomization: set as labels kustomize.capstan.dev/name and /namespace on every object. */
  owner: Owner;
  /** Delete and recreate objects whose immutable fields changed. */
  force: boolean;
  /** Bounds each wait: CRDs Established, a recreated object gone, health. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface ChangeSet {
  /** The inventory of the set, as applied (cluster-scoped objects without a namespace). */
  entries: InventoryEntry[];
  /** "Deployment/apps/web", in apply order. */
  created: string[];
  configured: string[];
  unchanged: string[];
}

// Requests in flight at once: enough to hide latency, few enough not to flood the API server.
const CONCURRENCY = 8;
// How long the API server may take, once a CRD is Established, to serve its kind and judge its
// custom resources by its new schema.
const SERVING_LAG_MS = 10_000;
const DISCOVERY_POLL_MS = 200;
const LISTED = 5;

export async function applySet(objects: readonly KubeObject[], ctx: ApplyContext): Promise<ChangeSet> {
  const owned = objects.map((o) => labelled(o, ctx.owner));
  const definedInSet = kindsDefinedBy(owned);
  const resolved = await settleLimited(owned, CONCURRENCY, (o) => targetOf(o, ctx.discovery, definedInSet));
  const targets = resolved.flatMap((r) => (r.status === 'fulfilled' && r.value !== 'deferred' ? [r.value] : []));
  const unserved = owned.filter((_, i) => resolved[i]?.status === 'fulfilled' && resolved[i].value === 'deferred');

  const setup = await dryRunAll(targets.filter((t) => isSetupKind(t.object.kind)), ctx);
  const stage1 = fulfilled(setup);
  const written = stage1.filter((p) => p.action !== 'unchanged');
  const newKinds = kindsDefinedBy(written.map((p) => p.object));
  const waitsForStage1 = needsStage1(written, newKinds);
  const rest = targets.filter((t) => !isSetupKind(t.object.kind));
  const now = await dryRunAll(rest.filter((t) => !waitsForStage1(t)), ctx);
  throwFirst([...resolved, ...setup, ...now]);

  await writeAll(stage1, ctx);
  await waitCrds(stage1, ctx);

  const later = [...rest.filter(waitsForStage1), ...await resolveAfterCrds(unserved, definedInSet, ctx)];
  const newSchemaBy = Date.now() + SERVING_LAG_MS;
  const deferred = await settleLimited(later, CONCURRENCY, (t) => dryRun(t, ctx, newKinds.has(kindOf(t)) ? newSchemaBy : undefined));
  throwFirst(deferred);
  const stage2 = [...fulfilled(now), ...fulfilled(deferred)];
  await writeAll(stage2, ctx);

  return changeSet([...stage1, ...stage2]);
}

function dryRunAll(targets: readonly Target[], ctx: ApplyContext): Promise<PromiseSettledResult<Planned>[]> {
  return settleLimited(targets, CONCURRENCY, (t) => dryRun(t, ctx));
}

/**
 * Objects whose dry run must wait for stage 1 (`written`: what it creates or changes): those in a
 * Namespace it creates (the API server refuses anything in a namespace that does not exist), and
 * custom resources of the kinds whose CRD it writes (the dry run would validate them, and drop
 * unknown fields, by the old schema).
 */
function needsStage1(written: readonly Planned[], kinds: ReadonlySet<string>): (t: Target) => boolean {
  const namespaces = new Set(written.filter((p) => p.object.kind === 'Namespace' && p.action === 'create').map((p) => p.object.metadata.name));
  return (t) => (t.object.metadata.namespace !== undefined && namespaces.has(t.object.metadata.namespace)) || kinds.has(kindOf(t));
}

const kindOf = (t: Target) => `${t.resource.group}/${t.resource.kind}`;

function fulfilled<T>(results: readonly PromiseSettledResult<T>[]): T[] {
  return results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
}

/** The first failure, naming how many more objects failed; an error that is not an object's (API unreachable) as is. */
function throwFirst(results: readonly PromiseSettledResult<unknown>[]): void {
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason instanceof Error ? r.reason : new Error(String(r.reason))] : []));
  const notTheObjects = failures.find((e) => !(e instanceof ApplyError));
  if (notTheObjects !== undefined) throw notTheObjects;
  const [head, ...rest] = failures.filter((e) => e instanceof ApplyError);
  if (head === undefined) return;
  if (rest.length === 0) throw head;
  const others = rest.map((e) => e.object);
  const listed = others.slice(0, LISTED).join(', ') + (others.length > LISTED ? ', …' : '');
  throw new ApplyError(head.reason, head.object, `${head.message}; ${String(others.length)} more ${others.length === 1 ? 'object' : 'objects'} failed: ${listed}`, { cause: head });
}

/** Kind by kind in apply order; the objects of one kind at once. */
async function writeAll(plans: readonly Planned[], ctx: ApplyContext): Promise<void> {
  const ranks = [...new Set(plans.map(rankOf))].sort((a, b) => a - b);
  for (const rank of ranks) {
    throwFirst(await settleLimited(plans.filter((p) => rankOf(p) === rank), CONCURRENCY, (p) => write(p, ctx)));
  }
}

async function waitCrds(plans: readonly Planned[], ctx: ApplyContext): Promise<void> {
  const written = plans.filter((p) => p.object.kind === 'CustomResourceDefinition' && p.action !== 'unchanged');
  for (const crd of written) {
    try {
      await waitEstablished(ctx.client, crd.object.metadata.name, ctx.timeoutMs, ctx.signal);
    } catch (err) {
      if (err instanceof CrdNotEstablishedError) throw new ApplyError('CRDNotEstablished', crd.id, err.message, { cause: err });
      throw apiFailure(err, crd.id, 'reading', 'ApplyFailed');
    }
  }
}

/** Targets of custom resources whose CRD stage 1 created: the API server serves their kind soon after Established. */
async function resolveAfterCrds(objects: readonly KubeObject[], definedInSet: ReadonlySet<string>, ctx: ApplyContext): Promise<Target[]> {
  const deadline = Date.now() + SERVING_LAG_MS;
  const targets: Target[] = [];
  for (const o of objects) {
    for (;;) {
      const target = await targetOf(o, ctx.discovery, definedInSet);
      if (target !== 'deferred') {
        targets.push(target);
        break;
      }
      if (Date.now() > deadline) {
        const what = describeObject(o);
        throw new ApplyError('CRDNotEstablished', what,
          `${what}: the API server does not serve ${o.apiVersion ?? ''} ${o.kind ?? ''} although the CRDs of the set are Established; check that a CRD of the set serves version ${o.apiVersion ?? ''}`);
      }
      await sleep(DISCOVERY_POLL_MS, undefined, ctx.signal ? { signal: ctx.signal } : undefined);
    }
  }
  return targets;
}

const rankOf = (p: Planned) => applyRank(p.object.kind ?? '');

function changeSet(plans: readonly Planned[]): ChangeSet {
  const ordered = [...plans].sort((a, b) => rankOf(a) - rankOf(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ids = (...actions: Planned['action'][]) => ordered.filter((p) => actions.includes(p.action)).map((p) => p.id);
  return {
    entries: inventoryOf(ordered.map((p) => p.object)),
    created: ids('create'),
    configured: ids('configure', 'recreate'),
    unchanged: ids('unchanged'),
  };
}
