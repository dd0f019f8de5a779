// One drift check of a release that is in sync by digest (plan said none): the manifest of the
// deployed revision (cached), detection, in `enabled` mode the correction of the drifted objects,
// and the event. Returns what the Drifted condition becomes; undefined when detection is disabled
// (the default), in which case no request at all is made.
import type { ConditionInput } from '../../api/conditions.ts';
import type { HelmRelease } from '../../api/objects.ts';
import type { KubeClient } from '../../kube/client.ts';
import type { Discovery } from '../../kube/discovery.ts';
import { ApiError } from '../../kube/errors.ts';
import type { EventRecorder } from '../../kube/events.ts';
import type { Logger } from '../../log/logger.ts';
import { event } from '../context.ts';
import type { ReleaseRef } from './applied-object.ts';
import { correctDrift, DriftCorrectionError } from './correct.ts';
import { detectDrift, DriftDetectionError } from './detect.ts';
import { LabelSelectorError } from './ignore.ts';
import { readReleaseManifest, type ManifestCache } from './manifest-cache.ts';
import { ReleaseManifestError } from './release-manifest.ts';
import { DRIFTED, driftCondition, driftEvent, type DriftOutcome } from './report.ts';

export interface DriftCheckDeps {
  discovery: Discovery;
  manifests: ManifestCache;
  events: EventRecorder;
}

export interface DriftCheckInput {
  hr: HelmRelease;
  /** The HelmRelease's client: impersonating its service account when it has one. */
  client: KubeClient;
  release: ReleaseRef;
  revision: number;
  /** Facts for the event's metadata (chart, version). */
  facts: Record<string, string>;
  signal: AbortSignal;
  log: Logger;
}

export async function checkDrift(deps: DriftCheckDeps, input: DriftCheckInput): Promise<ConditionInput | undefined> {
  const mode = input.hr.spec.driftDetection?.mode ?? 'disabled';
  if (mode === 'disabled') return undefined;
  const ref = `${input.release.namespace}/${input.release.name}`;
  const outcome = await outcomeOf(deps, input, mode === 'enabled', ref);
  const condition = driftCondition(outcome, ref);
  const previous = input.hr.status?.conditions?.find((c) => c.type === DRIFTED);
  const note = driftEvent(outcome, condition, previous);
  if (note) {
    input.log.warn({ release: ref, reason: condition.reason }, condition.message);
    await deps.events.record(event(input.hr, {
      type: 'Warning', ...note,
      metadata: { release: ref, revision: String(input.revision), ...input.facts },
    }));
  }
  return condition;
}

async function outcomeOf(deps: DriftCheckDeps, input: DriftCheckInput, correct: boolean, ref: string): Promise<DriftOutcome> {
  let report;
  try {
    const revision = { ...input.release, revision: input.revision };
    const objects = await deps.manifests.objects(revision, () => readReleaseManifest(input.client, revision));
    report = await detectDrift({
      client: input.client, discovery: deps.discovery, release: input.release, objects,
      rules: input.hr.spec.driftDetection?.ignore ?? [], signal: input.signal,
    });
  } catch (err) {
    if (!(err instanceof DriftDetectionError || err instanceof ReleaseManifestError || err instanceof LabelSelectorError || err instanceof ApiError)) throw err;
    return { kind: 'failed', reason: 'DriftDetectionFailed', message: `drift detection of release ${ref} failed: ${err.message}` };
  }
  if (report.drifted.length === 0) return { kind: 'in-sync', report };
  if (!correct) return { kind: 'detected', report };
  try {
    await correctDrift(input.client, report.drifted, input.signal);
  } catch (err) {
    if (!(err instanceof DriftCorrectionError)) throw err;
    return { kind: 'failed', reason: 'DriftCorrectionFailed', message: `correcting the drift of release ${ref} failed: ${err.message}` };
  }
  return { kind: 'corrected', report };
}
