// What install and upgrade share: fetch the chart, record the attempt, run helm, and turn the
// outcome into status, an event with the facts notifications need, and a requeue decision.
import type { Snapshot } from '../../api/helmrelease.ts';
import type { HelmRelease } from '../../api/objects.ts';
import { HelmError } from '../../helm/errors.ts';
import type { Logger } from '../../log/logger.ts';
import type { Release } from '../../helm/output.ts';
import { capstanResource } from '../../kube/resource.ts';
import { writeStatus } from '../../kube/status.ts';
import type { ResolvedChart } from '../../source/chart-source.ts';
import { event, type HelmReleaseDeps } from '../context.ts';
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
}

type Run = (chartPath: string) => Promise<Release>;

const VERB = { install: ['Install', 'installed', 'InstallSucceeded', 'InstallFailed'], upgrade: ['Upgrade', 'upgraded', 'UpgradeSucceeded', 'UpgradeFailed'] } as const;

export async function runReleaseAction(deps: HelmReleaseDeps, action: 'install' | 'upgrade', input: ReleaseActionInput, run: Run): Promise<ReleaseActionOutcome> {
  const { hr, desired, ctx } = input;
  const [Action, done, succeededReason, failedReason] = VERB[action];
  const from = hr.status?.history?.[0];
  const target = `${desired.chartName}@${desired.chartVersion}`;
  const ref = `${input.namespace}/${input.releaseName}`;
  const attempt = { chartVersion: desired.chartVersion, valuesDigest: desired.valuesDigest };
  const facts = {
    release: ref, chart: desired.chartName, toVersion: desired.chartVersion, valuesDigest: desired.valuesDigest,
    ...(from ? { fromVersion: from.chartVersion, fromRevision: String(from.version) } : {}),
  };

  // What the server holds after this write: the base of the next patch.
  const current = { ...input.stored, status: attempting(progressing(hr.status, 'Progressing', `${action === 'install' ? 'installing' : 'upgrading'} ${ref} to ${target}`, ctx), action, attempt) };
  await writeStatus(deps.client, HELM_RELEASE, input.stored, current.status);
  input.log.info({ release: ref, chart: target }, `${action === 'install' ? 'installing' : 'upgrading'} ${ref} to ${target}`);
  try {
    const chart = await deps.charts.fetch(input.resolved, input.signal);
    const release = await run(chart.path);
    const snapshot: Snapshot = {
      name: release.name, namespace: release.namespace, version: release.revision, status: release.status,
      chartName: release.chart?.name ?? desired.chartName, chartVersion: release.chart?.version ?? desired.chartVersion,
      ...(release.chart?.appVersion ? { appVersion: release.chart.appVersion } : {}),
      chartDigest: desired.chartDigest, configDigest: desired.valuesDigest,
      ...(release.firstDeployed ? { firstDeployed: release.firstDeployed } : {}),
      ...(release.lastDeployed ? { lastDeployed: release.lastDeployed } : {}),
    };
    const message = `${done} ${ref} revision ${release.revision} with ${target}`;
    input.log.info({ release: ref, revision: release.revision }, message);
    await writeStatus(deps.client, HELM_RELEASE, current, released(current.status, succeededReason, message, snapshot, ctx));
    const change = from ? ` (from ${from.chartVersion}, revision ${from.version})` : '';
    await deps.events.record(event(hr, {
      type: 'Normal', reason: succeededReason, action: Action,
      note: `${message}${change}, values ${desired.valuesDigest.slice(0, 19)}`,
      metadata: { ...facts, toRevision: String(release.revision) },
    }));
    return { ok: true };
  } catch (err) {
    // Cancelled by shutdown (helm marked the release failed): not the chart's fault, so it is not
    // counted; the next leader finds the failed release and retries it.
    if (input.signal.aborted) throw err;
    const cause = err instanceof Error ? err.message : String(err);
    const message = `${action} of ${ref} with ${target} failed: ${cause}`;
    input.log.warn({ release: ref, reason: err instanceof HelmError ? err.reason : failedReason }, message);
    await writeStatus(deps.client, HELM_RELEASE, current, releaseFailed(current.status, action, failedReason, message, attempt, ctx));
    await deps.events.record(event(hr, {
      type: 'Warning', reason: failedReason, action: Action,
      note: err instanceof HelmError && err.stderrTail ? `${message}\n${err.stderrTail}` : message,
      metadata: { ...facts, ...(err instanceof HelmError ? { helmReason: err.reason } : {}) },
    }));
    return { ok: false };
  }
}
