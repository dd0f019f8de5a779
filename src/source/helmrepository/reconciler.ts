// The HelmRepository reconciler: fetches a repository's index at most once per interval however
// many releases use it (conditional requests; a 304 is neither downloaded nor parsed), keeps the
// last good index when a fetch fails, and tells dependents when the revision changes.
import { parseDuration } from '../../api/duration.ts';
import { ANNOTATIONS, type HelmRepository } from '../../api/objects.ts';
import type { HelmRepositoryStatus } from '../../api/source.ts';
import type { EventRecorder } from '../../kube/events.ts';
import type { Informer } from '../../kube/informer.ts';
import type { KubeClient } from '../../kube/client.ts';
import { capstanResource } from '../../kube/resource.ts';
import { writeStatus } from '../../kube/status.ts';
import { jitter } from '../../runtime/backoff.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../runtime/controller.ts';
import { TerminalError } from '../../runtime/controller.ts';
import { SourceError } from '../errors.ts';
import { isFresh, type CachedIndex, type IndexCache } from '../index-cache.ts';
import { refreshIndex } from '../index-refresh.ts';
import { parseOciUrl } from '../oci-tags.ts';
import { repositoryAccess, RepositorySecretError } from './credentials.ts';
import { artifactOf, failed, succeeded, type StatusContext } from './status.ts';
import { statusContextOf } from '../source-status.ts';

const RESOURCE = capstanResource('HelmRepository');
const REGARDING = { apiVersion: 'source.capstan.dev/v1', kind: 'HelmRepository' };

export interface HelmRepositoryReconcilerOptions {
  client: KubeClient;
  informer: Informer<HelmRepository>;
  cache: IndexCache;
  events: EventRecorder;
  indexMaxBytes?: number;
  /**
   * Called with the repository's key when its artifact revision changes, and the first time this
   * process has the index: releases that found no index after a restart (empty cache, status
   * already naming the revision) are waiting for it.
   */
  onArtifact?: (key: string, revision: string) => void;
  now?: () => number;
}

/** A fetch failed: the status says why; the controller retries with backoff. */
export class RepositoryFetchError extends Error {
  override readonly name = 'RepositoryFetchError';
}

export function helmRepositoryReconciler(options: HelmRepositoryReconcilerOptions): Reconciler {
  const now = options.now ?? Date.now;
  const announced = new Map<string, string>();
  return {
    kind: 'HelmRepository',
    async reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult> {
      const repo = options.informer.get(key);
      if (!repo) {
        // One created again under this name is news for the releases waiting on it.
        announced.delete(key);
        return {};
      }
      if (repo.metadata.deletionTimestamp || repo.spec.suspend) return {};
      const intervalMs = parseDuration(repo.spec.interval);
      const statusCtx = statusContextOf(repo, now());
      if (repo.spec.type === 'oci') return reconcileOci(options, announced, key, repo, statusCtx, intervalMs);

      const cached = await options.cache.get(repo.spec.url);
      if (cached && !dueForFetch(repo, cached, intervalMs, now())) {
        await publish(options, announced, key, repo, cached, statusCtx);
        return { requeueAfterMs: jitter(intervalMs - (now() - cached.fetchedAt)) };
      }
      try {
        const access = await repositoryAccess(options.client, repo);
        const refresh = await refreshIndex({
          url: repo.spec.url,
          ...access,
          passCredentials: repo.spec.passCredentials,
          timeoutMs: parseDuration(repo.spec.timeout ?? '60s'),
          maxBytes: options.indexMaxBytes,
          cache: options.cache,
          signal: ctx.signal,
          now,
        });
        if (refresh.changed) ctx.log.info({ revision: refresh.entry.revision, size: refresh.entry.size }, 'fetched a new index revision');
        else ctx.log.debug({ revision: refresh.entry.revision }, 'index unchanged (304)');
        if (refresh.changed && refresh.entry.dropped > 0) {
          await options.events.record({
            regarding: { ...repo, ...REGARDING }, type: 'Warning', reason: 'IndexEntriesDropped', action: 'Fetch',
            note: `dropped ${refresh.entry.dropped} invalid index entries (e.g. ${refresh.droppedExamples.slice(0, 3).join('; ')}); the rest of the index is served`,
          });
        }
        await publish(options, announced, key, repo, refresh.entry, statusCtx);
        return { requeueAfterMs: jitter(intervalMs) };
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        const reason = err instanceof SourceError || err instanceof RepositorySecretError ? err.reason : 'FetchFailed';
        const message = err instanceof Error ? err.message : String(err);
        const stalled = reason === 'URLInvalid';
        await writeStatus(options.client, RESOURCE, repo, failed(repo.status, reason, message, stalled, statusCtx));
        await options.events.record({ regarding: { ...repo, ...REGARDING }, type: 'Warning', reason, action: 'Fetch', note: message });
        if (stalled) throw new TerminalError(message);
        throw new RepositoryFetchError(message, { cause: err });
      }
    },
  };
}

/** Fetch when the interval came round, the spec changed, a reconcile was requested, or the status is not Ready. */
function dueForFetch(repo: HelmRepository, cached: CachedIndex, intervalMs: number, now: number): boolean {
  const status = repo.status;
  const requested = repo.metadata.annotations?.[ANNOTATIONS.requestedAt];
  const ready = status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  return !isFresh(cached, intervalMs, now) ||
    status?.observedGeneration !== repo.metadata.generation ||
    (requested !== undefined && requested !== status?.lastHandledReconcileAt) ||
    !ready || status.url !== repo.spec.url;
}

/** `announced`: the revision this process last told the releases about, by repository key. */
async function publish(options: HelmRepositoryReconcilerOptions, announced: Map<string, string>, key: string, repo: HelmRepository, entry: CachedIndex, ctx: StatusContext): Promise<void> {
  const artifact = artifactOf(entry, repo.status?.artifact, ctx.now);
  const next: HelmRepositoryStatus = succeeded(repo.status, repo.spec.url, artifact, ctx);
  await writeStatus(options.client, RESOURCE, repo, next);
  if (repo.status?.artifact?.revision !== artifact.revision) {
    await options.events.record({
      regarding: { ...repo, ...REGARDING }, type: 'Normal', reason: 'NewArtifact', action: 'Fetch',
      note: `fetched index revision ${artifact.revision} (${artifact.charts ?? 0} charts, ${artifact.versions ?? 0} versions)`,
      metadata: { revision: artifact.revision },
    });
  }
  announce(options, announced, key, artifact.revision);
}

/** Tells the releases once per revision and process: they may be waiting for this repository. */
function announce(options: HelmRepositoryReconcilerOptions, announced: Map<string, string>, key: string, revision: string): void {
  if (announced.get(key) === revision) return;
  announced.set(key, revision);
  options.onArtifact?.(key, revision);
}

/** An OCI repository has no index: tags are listed per chart when a release resolves a version. */
async function reconcileOci(options: HelmRepositoryReconcilerOptions, announced: Map<string, string>, key: string, repo: HelmRepository, ctx: StatusContext, intervalMs: number): Promise<ReconcileResult> {
  try {
    parseOciUrl(repo.spec.url);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await writeStatus(options.client, RESOURCE, repo, failed(repo.status, 'URLInvalid', message, true, ctx));
    throw new TerminalError(message);
  }
  const artifact = { revision: repo.spec.url, lastUpdateTime: repo.status?.artifact?.lastUpdateTime ?? ctx.now };
  const next = succeeded(repo.status, repo.spec.url, artifact, ctx);
  const conditions = next.conditions?.map((c) => (c.type === 'Ready' ? { ...c, message: `OCI registry ${repo.spec.url}: chart tags are listed when a release resolves its version` } : c));
  await writeStatus(options.client, RESOURCE, repo, { ...next, conditions });
  // Releases that named this repository before it existed wait for it (their interval otherwise).
  announce(options, announced, key, artifact.revision);
  return { requeueAfterMs: jitter(intervalMs) };
}
