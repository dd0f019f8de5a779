// What a HelmRepository's status becomes after one fetch (pure, so that it is table-tested).
import { applySteps, markReady, markStalled, markFailed, removeCondition, setCondition } from '../../api/conditions.ts';
import type { Artifact, HelmRepositoryStatus } from '../../api/source.ts';
import type { CachedIndex } from '../index-cache.ts';
import { indexStats } from '../index-model.ts';

export const FETCH_FAILED = 'FetchFailed';

export interface StatusContext {
  generation: number | undefined;
  now: string;
  requestedAt: string | undefined;
}

export function artifactOf(entry: CachedIndex, previous: Artifact | undefined, now: string): Artifact {
  const stats = indexStats(entry.index);
  return {
    revision: entry.revision,
    size: entry.size,
    lastUpdateTime: previous?.revision === entry.revision ? previous.lastUpdateTime : now,
    charts: stats.charts,
    versions: stats.versions,
  };
}

export function readyMessage(artifact: Artifact): string {
  return `index revision ${artifact.revision} with ${artifact.charts ?? 0} charts and ${artifact.versions ?? 0} versions`;
}

export function succeeded(status: HelmRepositoryStatus | undefined, url: string, artifact: Artifact, ctx: StatusContext): HelmRepositoryStatus {
  const conditions = applySteps(status?.conditions, markReady('Succeeded', readyMessage(artifact), ctx.generation, ctx.now), (c) => removeCondition(c, FETCH_FAILED));
  return { ...status, observedGeneration: ctx.generation, conditions, artifact, url, ...handled(ctx) };
}

/** A failure keeps the last good artifact; a configuration error (bad URL) stalls until the spec changes. */
export function failed(status: HelmRepositoryStatus | undefined, reason: string, message: string, stalled: boolean, ctx: StatusContext): HelmRepositoryStatus {
  const step = stalled ? markStalled(reason, message, ctx.generation, ctx.now) : markFailed(reason, message, ctx.generation, ctx.now);
  const conditions = applySteps(status?.conditions, step, (c) => setCondition(c, { type: FETCH_FAILED, status: 'True', reason, message }, ctx.generation, ctx.now));
  return { ...status, observedGeneration: ctx.generation, conditions, ...handled(ctx) };
}

function handled(ctx: StatusContext): Pick<HelmRepositoryStatus, 'lastHandledReconcileAt'> {
  return ctx.requestedAt !== undefined ? { lastHandledReconcileAt: ctx.requestedAt } : {};
}
