// The Kustomization reconciler: wait for dependencies and the source's artifact, build the
// manifests from the artifact, apply them server-side (nothing when any is invalid), prune what
// left the source, and wait for the objects to be healthy; on deletion, prune what it applied
// (finalize.ts). A failure keeps what is applied and the last good inventory; an in-sync resync
// writes nothing (no object, no status, no event).
import { rm } from 'node:fs/promises';
import { isTrue } from '../api/conditions.ts';
import { parseDuration } from '../api/duration.ts';
import type { GitRepository, Kustomization } from '../api/objects.ts';
import { apiClientFor } from '../helmrelease/context.ts';
import type { KubeClient } from '../kube/client.ts';
import { Discovery } from '../kube/discovery.ts';
import type { EventRecorder } from '../kube/events.ts';
import { addFinalizer, hasFinalizer } from '../kube/finalizers.ts';
import type { Informer } from '../kube/informer.ts';
import type { KubeObject } from '../kube/resource.ts';
import { capstanResource } from '../kube/resource.ts';
import { asStored, forgetObject, mayPredateOwnWrite, writeStatus } from '../kube/status.ts';
import { jitter } from '../runtime/backoff.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../runtime/controller.ts';
import { checkDependencies, dependencyRefs, type Lookup } from '../runtime/dependencies.ts';
import { RetrySchedule } from '../runtime/retry-delay.ts';
import { ArtifactError, type GitArtifactStore } from '../source/gitrepository/artifact.ts';
import { applySet, ApplyError, type ApplyContext, type ChangeSet } from './apply/apply-set.ts';
import { HealthCheckError, waitHealthy, type ObjectRef } from './apply/health.ts';
import { parseId, staleEntries, type InventoryEntry } from './apply/inventory.ts';
import { prune } from './apply/prune.ts';
import { BuildError, buildManifests, SubstituteSourceError } from './build/build.ts';
import { gatherVariables } from './build/variables.ts';
import { finalize } from './finalize.ts';
import { changed, changeMetadata, changeNote, counts, event, plural, PROGRESSING, type Changes } from './events.ts';
import { failed, progressing, statusContextOf, succeeded, SUCCEEDED, type Inventory } from './status.ts';

const RESOURCE = capstanResource('Kustomization');
const DEFAULT_TIMEOUT = '5m';

export interface KustomizationDeps {
  client: KubeClient;
  informer: Informer<Kustomization>;
  /** GitRepositories by namespace/name. */
  sources: (key: string) => GitRepository | undefined;
  artifacts: GitArtifactStore;
  events: EventRecorder;
  /** HelmReleases and Kustomizations by reference, for dependsOn. */
  dependencies: Lookup;
  /** The kubectl whose embedded kustomize builds kustomization.yaml folders. */
  kubectl: string;
  allowCrossNamespace: boolean;
  defaultServiceAccount?: string;
  requeueDependencyMs: number;
  now?: () => number;
}

/** A step failed for a reason the user can act on: it becomes Ready=False (or Stalled) and a Warning. */
interface Failure {
  reason: string;
  message: string;
  stalled?: boolean;
  /** Waiting (for a dependency, an artifact) is announced once, not on every look. */
  waiting?: boolean;
  attempted?: string;
  inventory?: Inventory;
}

/** The known failures of extract, build, apply, prune and health, or undefined (the error is ours, retried with backoff). */
function classify(err: unknown): Pick<Failure, 'reason' | 'message'> | undefined {
  if (err instanceof ArtifactError || err instanceof BuildError || err instanceof SubstituteSourceError || err instanceof ApplyError || err instanceof HealthCheckError) {
    return { reason: err.reason, message: err.message };
  }
  return undefined;
}

/** What an inventory entry names, for the health checks of `wait: true`. */
function refOf(entry: InventoryEntry): ObjectRef {
  const id = parseId(entry.id);
  return {
    apiVersion: id.group ? `${id.group}/${entry.v}` : entry.v, kind: id.kind, name: id.name,
    ...(id.namespace ? { namespace: id.namespace } : {}),
  };
}

export function kustomizationReconciler(deps: KustomizationDeps): Reconciler {
  const now = deps.now ?? Date.now;
  const discovery = new Discovery(deps.client);
  // Failed deletions by key, for their backoff (finalize.ts).
  const deletionRetries = new RetrySchedule(now);
  const reconciler = {
    kind: 'Kustomization',
    /** `fresh`: the Kustomization as just read from the API server, when the cache was behind it. */
    async reconcile(key: string, rc: ReconcileContext, fresh?: Kustomization): Promise<ReconcileResult> {
      const ks = fresh ?? deps.informer.get(key);
      if (!ks) {
        forgetObject(deps.client, RESOURCE, key);
        deletionRetries.forget(key);
        return {};
      }
      const namespace = ks.metadata.namespace ?? 'default';
      const client = apiClientFor(ks, deps);
      const apply: ApplyContext = {
        client, discovery, owner: { name: ks.metadata.name, namespace }, force: ks.spec.force === true,
        timeoutMs: parseDuration(ks.spec.timeout ?? DEFAULT_TIMEOUT), signal: rc.signal,
      };
      if (ks.metadata.deletionTimestamp) {
        return hasFinalizer(ks) ? finalize({ client: deps.client, events: deps.events, retries: deletionRetries, now }, key, ks, apply, rc) : {};
      }
      // Not being deleted: whatever a deletion of that name left (its finalizer removed by hand) is not this one's.
      deletionRetries.forget(key);
      // Each reconcile starts from what the last one wrote, which the cache may not show yet. From
      // an older inventory, pruning would leave behind objects applied since and gone from the
      // source; from an older revision, a second "applied" event (and alert) would go out, and
      // the status written for a health check would turn Ready back to Unknown.
      if (fresh === undefined && mayPredateOwnWrite(deps.client, RESOURCE, ks)) {
        const stored = await asStored(deps.client, RESOURCE, ks);
        if (stored !== ks) return stored ? this.reconcile(key, rc, stored) : {};
      }
      // Status writes do not need the new resourceVersion: this reconcile goes on.
      if (!hasFinalizer(ks)) await addFinalizer(deps.client, RESOURCE, ks);
      if (ks.spec.suspend) return {};
      const ctx = statusContextOf(ks, now());
      const intervalMs = parseDuration(ks.spec.interval);
      const retryMs = parseDuration(ks.spec.retryInterval ?? ks.spec.interval);

      // Each write is computed against the last one, so that the status writer sends only what changed.
      let current = ks.status;
      const write = async (next: NonNullable<Kustomization['status']>) => {
        const wrote = await writeStatus(deps.client, RESOURCE, { ...ks, status: current }, next);
        current = next;
        return wrote;
      };
      const fail = async (f: Failure, requeueAfterMs?: number): Promise<ReconcileResult> => {
        const wrote = await write(failed(current, f, ctx));
        if (wrote || f.waiting !== true) await deps.events.record(event(ks, { type: 'Warning', reason: f.reason, action: 'Reconcile', note: f.message }));
        rc.log.info({ reason: f.reason }, f.message);
        return requeueAfterMs === undefined ? {} : { requeueAfterMs };
      };

      const dependencies = checkDependencies(ks, 'Kustomization', deps.dependencies, deps.allowCrossNamespace);
      if (dependencies.state === 'cycle') return fail({ reason: 'DependencyCycle', message: dependencies.message, stalled: true });
      if (dependencies.state === 'forbidden') return fail({ reason: 'AccessDenied', message: dependencies.message, stalled: true });
      if (dependencies.state !== 'ready') return fail({ reason: 'DependencyNotReady', message: dependencies.message, waiting: true }, deps.requeueDependencyMs);

      const ref = ks.spec.sourceRef;
      const sourceKey = `${ref.namespace ?? namespace}/${ref.name}`;
      if (!deps.allowCrossNamespace && (ref.namespace ?? namespace) !== namespace) {
        return fail({ reason: 'AccessDenied', stalled: true, message: `GitRepository ${sourceKey} is in another namespace, which this controller forbids (--no-cross-namespace-refs): create the GitRepository in namespace ${namespace}` });
      }
      const source = deps.sources(sourceKey);
      const artifact = source?.status?.artifact;
      // A new artifact enqueues this Kustomization (setup.ts); the requeue is a safety net.
      if (!source) return fail({ reason: 'ArtifactNotReady', waiting: true, message: `GitRepository ${sourceKey} does not exist: create it or fix spec.sourceRef` }, retryMs);
      if (artifact?.digest === undefined) {
        const why = source.status?.conditions?.find((c) => c.type === 'Ready')?.message;
        return fail({ reason: 'ArtifactNotReady', waiting: true, message: `GitRepository ${sourceKey} has no artifact yet${why ? ` (now: ${why})` : ''}` }, retryMs);
      }
      const revision = artifact.revision;
      const inventory = current?.inventory;
      // A dependency built from the same source is ready only once it applied this very revision (as Flux's).
      const behind = sameSourceDependencyBehind(ks, sourceKey, revision, deps.dependencies);
      if (behind) return fail({ reason: 'DependencyNotReady', message: behind, waiting: true }, deps.requeueDependencyMs);

      // Known failures of a step become Ready=False and a Warning; anything else is retried with backoff.
      const failWith = (err: unknown, extra: Partial<Failure> = {}): Promise<ReconcileResult> => {
        const known = classify(err);
        if (!known || rc.signal.aborted) throw err;
        return fail({ ...known, attempted: revision, ...extra }, retryMs);
      };
      let objects: KubeObject[];
      try {
        objects = await build(deps, ks, client, artifact.digest, rc.signal);
      } catch (err) {
        return await failWith(err);
      }

      let set: ChangeSet;
      try {
        set = await applySet(objects, apply);
      } catch (err) {
        return await failWith(err);
      }
      const applied: Inventory = { entries: set.entries };
      const stale = staleEntries(inventory?.entries ?? [], set.entries);
      let pruned: string[] = [];
      if (ks.spec.prune && stale.length > 0) {
        try {
          pruned = await prune(stale, apply);
        } catch (err) {
          // What could not be pruned stays in the inventory, to be pruned by the next attempt.
          return await failWith(err, { inventory: { entries: [...set.entries, ...stale] } });
        }
      }
      const changes: Changes = { created: set.created, configured: set.configured, unchanged: set.unchanged, pruned };

      const summary = `applied revision ${revision}: ${plural(applied.entries.length)}`;
      // Something to announce: objects changed, a new revision, or a recovery (not a spec change that changed nothing).
      const news = changed(changes) || revision !== ks.status?.lastAppliedRevision || !isTrue(ks.status.conditions, 'Ready');
      if (changed(changes)) {
        await deps.events.record(event(ks, { type: 'Normal', reason: PROGRESSING, action: 'Apply', note: changeNote(revision, changes), metadata: changeMetadata(revision, changes) }));
        rc.log.info({ revision, ...changeMetadata(revision, changes) }, 'applied');
      }

      // A health check without namespace is of the Kustomization's namespace (as Flux's); cluster-scoped kinds ignore it.
      const checks = ks.spec.wait === true ? applied.entries.map(refOf) : (ks.spec.healthChecks ?? []).map((h) => ({ ...h, namespace: h.namespace ?? namespace }));
      if (checks.length > 0) {
        if (news) await write(progressing(current, revision, applied, `${summary}; waiting for ${plural(checks.length)} to be healthy`, ctx));
        try {
          await waitHealthy(checks, apply);
        } catch (err) {
          return await failWith(err, { inventory: applied });
        }
      }

      await write(succeeded(current, revision, applied, summary, ctx));
      if (news) {
        await deps.events.record(event(ks, {
          type: 'Normal', reason: SUCCEEDED, action: 'Reconcile', note: `${summary} (${counts(changes)})${checks.length > 0 ? `, ${String(checks.length)} healthy` : ''}`,
          metadata: changeMetadata(revision, changes),
        }));
      }
      return { requeueAfterMs: jitter(intervalMs) };
    },
  };
  return reconciler;
}

/** Why a Kustomization dependency of the same source has not applied `revision` yet, if it has not. */
function sameSourceDependencyBehind(ks: Kustomization, sourceKey: string, revision: string, lookup: Lookup): string | undefined {
  for (const ref of dependencyRefs(ks, 'Kustomization')) {
    if (!ref.startsWith('Kustomization/')) continue;
    const dep = lookup(ref) as Kustomization | undefined;
    const depSource = dep && `${dep.spec.sourceRef.namespace ?? dep.metadata.namespace ?? 'default'}/${dep.spec.sourceRef.name}`;
    if (dep && depSource === sourceKey && dep.status?.lastAppliedRevision !== revision) {
      return `waiting for dependency ${ref.slice(ref.indexOf('/') + 1)} to apply revision ${revision} of their common source (now at ${dep.status?.lastAppliedRevision ?? 'none'})`;
    }
  }
  return undefined;
}

/** Extracts the artifact into a scratch folder (removed afterwards) and builds the objects from it. */
async function build(deps: KustomizationDeps, ks: Kustomization, client: KubeClient, digest: string, signal: AbortSignal): Promise<KubeObject[]> {
  const root = await deps.artifacts.workDir();
  try {
    await deps.artifacts.extract(digest, root, signal);
    const variables = await gatherVariables(client, ks.metadata.namespace ?? 'default', ks.spec.postBuild, signal);
    return await buildManifests({
      root, path: ks.spec.path ?? './', kubectl: deps.kubectl, signal,
      ...(ks.spec.targetNamespace !== undefined ? { targetNamespace: ks.spec.targetNamespace } : {}),
      ...(ks.spec.commonMetadata !== undefined ? { commonMetadata: ks.spec.commonMetadata } : {}),
      ...(variables !== undefined ? { variables } : {}),
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
