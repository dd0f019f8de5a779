// What install and upgrade share: fetch the chart, record the attempt, run helm, and turn the
// outcome into status, an event with the facts notifications need, and a requeue decision.
import type { HelmReleaseStatus, Snapshot } from '../../api/helmrelease.ts';
import type { HelmRelease } from '../../api/objects.ts';
import { HelmError, HelmForbiddenError } from '../../helm/errors.ts';
import type { Logger } from '../../log/logger.ts';
import type { Release } from '../../helm/output.ts';
import { capstanResource } from '../../kube/resource.ts';
import { writeStatus } from '../../kube/status.ts';
import type { ResolvedChart } from '../../source/chart-source.ts';
import type { HelmReleaseDeps } from '../context.ts';
import { recordReleaseEvent, type ReleaseFacts } from '../events.ts';
import { reportAccessDenied } from './access-denied.ts';
import { causeFirst, rootCauseOf } from './timeout-cause.ts';
import type { Desired } from '../plan.ts';
import { attempting, progressing, releaseFailed, released, type StatusContext } from '../status.ts';

export const HELM_RELEASE = capstanResource('HelmRelease');

export interface ReleaseActionInput {
  /** The HelmRelease with the status to build on (failure counters already reset by resetAt). */
  hr: HelmRelease;
  /** The HelmRelease as the API server has it: status patches are computed against its status. */
  stored: HelmRelease;
  resolved: ResolvedChart;
  desired: Desired;
  /** The composed values as the YAML text helm reads (serialiseValues keeps every value exact). */
  values: string;
  releaseName: string;
  namespace: string;
  impersonate?: string;
  signal: AbortSignal;
  ctx: StatusContext;
  log: Logger;
}

export interface ReleaseActionOutcome {
  ok: boolean;
  /** The user must act (AccessDenied): look again at the interval, not on the retry backoff. */
  stalled?: boolean;
  /** The HelmRelease as the server has it after this action's status writes. */
  current: HelmRelease;
  /** The revision helm recorded: deployed when ok, failed otherwise (absent when helm recorded none). */
  snapshot?: Snapshot;
}

/** Which release every helm call of an action is about, as whom it runs, and what cancels it. */
export function helmScope(input: ReleaseActionInput) {
  return {
    namespace: input.namespace,
    releaseName: input.releaseName,
    ...(input.impersonate ? { impersonate: { user: input.impersonate } } : {}),
    signal: input.signal,
  };
}

type Run = (chartPath: string) => Promise<Release>;

const VERB = {
  install: ['Install', 'installed', 'installing', 'InstallSucceeded', 'InstallFailed'],
  upgrade: ['Upgrade', 'upgraded', 'upgrading', 'UpgradeSucceeded', 'UpgradeFailed'],
} as const;

export async function runReleaseAction(deps: HelmReleaseDeps, action: 'install' | 'upgrade', input: ReleaseActionInput, run: Run): Promise<ReleaseActionOutcome> {
  const { hr, desired, ctx } = input;
  const [Action, done, doing, succeededReason, failedReason] = VERB[action];
  const from = hr.status?.history?.[0];
  const target = `${desired.chartName}@${desired.chartVersion}`;
  const ref = `${input.namespace}/${input.releaseName}`;
  const attempt = { chartVersion: desired.chartVersion, valuesDigest: desired.valuesDigest };
  const facts: ReleaseFacts = { release: ref, chart: desired.chartName, toVersion: desired.chartVersion, valuesDigest: desired.valuesDigest, ...(from ? { from } : {}) };
  const before = deps.releases.newest(input.namespace, input.releaseName);
  const testsPending = hr.spec.test?.enable === true;

  // What the server holds after this write: the base of the next patch.
  let current: HelmRelease = { ...input.stored, status: attempting(progressing(hr.status, 'Progressing', `${doing} ${ref} to ${target}`, ctx), action, attempt) };
  await writeStatus(deps.client, HELM_RELEASE, input.stored, current.status);
  input.log.info({ release: ref, chart: target }, `${doing} ${ref} to ${target}`);
  try {
    const chart = await deps.charts.fetch(input.resolved, input.signal);
    const release = await run(chart.path);
    const snapshot: Snapshot = {
      ...snapshotOf(input, release.revision, release.status),
      chartName: release.chart?.name ?? desired.chartName, chartVersion: release.chart?.version ?? desired.chartVersion,
      ...(release.chart?.appVersion ? { appVersion: release.chart.appVersion } : {}),
      ...(release.firstDeployed ? { firstDeployed: release.firstDeployed } : {}),
      ...(release.lastDeployed ? { lastDeployed: release.lastDeployed } : {}),
    };
    const message = `${done} ${ref} revision ${release.revision} with ${target}`;
    input.log.info({ release: ref, revision: release.revision }, message);
    current = await write(deps, current, released(current.status, succeededReason, message, snapshot, ctx, testsPending));
    const change = from ? ` (from ${from.chartVersion}, revision ${from.version})` : '';
    await recordReleaseEvent(deps, hr, {
      type: 'Normal', reason: succeededReason, action: Action,
      note: `${message}${change}, values ${desired.valuesDigest.slice(0, 19)}`,
      facts: { ...facts, toRevision: release.revision },
    });
    return { ok: true, current, snapshot };
  } catch (err) {
    // Cancelled by shutdown (helm marked the release failed): not the chart's fault, so it is not
    // counted; the next leader finds the failed release and retries it.
    if (input.signal.aborted) throw err;
    if (err instanceof HelmForbiddenError) {
      await reportAccessDenied(deps, input, current, err);
      return { ok: false, stalled: true, current };
    }
    // A revision newer than before is the one helm recorded (and marked failed) for this attempt.
    const after = deps.releases.newest(input.namespace, input.releaseName);
    const recorded = after && after.revision > (before?.revision ?? 0) ? snapshotOf(input, after.revision, 'failed') : undefined;
    // helm's wait ran out of time: which of the revision's objects was not ready, and why, goes first.
    const rootCause = await rootCauseOf(deps, input, err, recorded?.version);
    const message = `${action} of ${ref} with ${target} failed: ${causeFirst(rootCause, err instanceof Error ? err.message : String(err))}`;
    input.log.warn({ release: ref, reason: err instanceof HelmError ? err.reason : failedReason }, message);
    current = await write(deps, current, releaseFailed(current.status, action, failedReason, message, attempt, ctx, recorded));
    await recordReleaseEvent(deps, hr, {
      type: 'Warning', reason: failedReason, action: Action,
      note: err instanceof HelmError && err.stderrTail ? `${message}\n${err.stderrTail}` : message,
      facts: {
        ...facts, ...(recorded ? { toRevision: recorded.version } : {}), ...(err instanceof HelmError ? { helmReason: err.reason } : {}),
        ...(rootCause ? { cause: rootCause } : {}),
      },
    });
    return { ok: false, current, ...(recorded ? { snapshot: recorded } : {}) };
  }
}

/** A revision of this attempt: the desired chart and values, as capstan records them. */
function snapshotOf(input: ReleaseActionInput, version: number, status: string): Snapshot {
  const { desired } = input;
  return {
    name: input.releaseName, namespace: input.namespace, version, status,
    chartName: desired.chartName, chartVersion: desired.chartVersion, chartDigest: desired.chartDigest, configDigest: desired.valuesDigest,
    ...(input.resolved.kind === 'GitRepository' ? { sourceRevision: input.resolved.revision } : {}),
  };
}

/** Writes the status and returns the HelmRelease as the server now has it (the base of the next patch). */
export async function write(deps: Pick<HelmReleaseDeps, 'client'>, current: HelmRelease, status: HelmReleaseStatus): Promise<HelmRelease> {
  await writeStatus(deps.client, HELM_RELEASE, current, status);
  return { ...current, status };
}
