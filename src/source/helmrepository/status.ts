// What a HelmRepository's status becomes after one fetch (pure, so that it is table-tested).
import { applySteps, markReady, removeCondition } from '../../api/conditions.ts';
import type { Artifact, HelmRepositoryStatus } from '../../api/source.ts';
import { FETCH_FAILED, handled, type StatusContext } from '../source-status.ts';

export { failed, FETCH_FAILED, type StatusContext } from '../source-status.ts';
import type { CachedIndex } from '../index-cache.ts';
import { indexStats } from '../index-model.ts';

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
