// The HelmRelease reconciler: observe (cache reads: release Secrets' labels, sources, values),
// plan (pure), act (one action), and report. An in-sync release costs no helm process and no
// API write.
import { parseDuration } from '../api/duration.ts';
import { ANNOTATIONS, type HelmRelease } from '../api/objects.ts';
import { isApiError } from '../kube/errors.ts';
import { objectPath } from '../kube/resource.ts';
import { writeStatus } from '../kube/status.ts';
import { jitter } from '../runtime/backoff.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../runtime/controller.ts';
import { ChartVersionNotFoundError } from '../source/resolve.ts';
import { SourceForbiddenError, SourceNotReadyError } from '../source/chart-source.ts';
import { HELM_RELEASE, type ReleaseActionInput } from './actions/release-action.ts';
import { installRelease } from './actions/install.ts';
import { uninstallForDeletion } from './actions/uninstall.ts';
import { upgradeRelease } from './actions/upgrade.ts';
import { FINALIZER, serviceAccountOf, type HelmReleaseDeps } from './context.ts';
import { checkDependencies } from './dependencies.ts';
import { releaseName, releaseNamespace } from './naming.ts';
import { plan, type Desired } from './plan.ts';
import { blocked, released, resetCounters, stalled, type StatusContext } from './status.ts';
import { composeFor } from './values.ts';
import { ValuesError } from './values/errors.ts';
import { serialiseValues } from './values/serialise.ts';

export function helmReleaseReconciler(deps: HelmReleaseDeps): Reconciler {
  const now = deps.now ?? Date.now;
  return {
    kind: 'HelmRelease',
    async reconcile(key: string, rc: ReconcileContext): Promise<ReconcileResult> {
      const hr = deps.informer.get(key);
      if (!hr) return {};
      if (hr.metadata.deletionTimestamp) return uninstallForDeletion(deps, hr, rc);
      if (!hr.metadata.finalizers?.includes(FINALIZER)) {
        await addFinalizer(deps, hr);
        return {}; // the update event brings the object back with its finalizer
      }
      if (hr.spec.suspend) return {};

      const annotations = hr.metadata.annotations ?? {};
      const ctx: StatusContext = {
        generation: hr.metadata.generation,
        now: new Date(now()).toISOString(),
        handled: {
          ...(annotations[ANNOTATIONS.requestedAt] ? { lastHandledReconcileAt: annotations[ANNOTATIONS.requestedAt] } : {}),
          ...(annotations[ANNOTATIONS.forceAt] ? { lastHandledForceAt: annotations[ANNOTATIONS.forceAt] } : {}),
          ...(annotations[ANNOTATIONS.resetAt] ? { lastHandledResetAt: annotations[ANNOTATIONS.resetAt] } : {}),
        },
      };
      const intervalMs = parseDuration(hr.spec.interval);
      const block = async (reason: string, message: string, isStalled: boolean, requeueAfterMs?: number): Promise<ReconcileResult> => {
        await writeStatus(deps.client, HELM_RELEASE, hr, blocked(hr.status, reason, message, isStalled, ctx));
        rc.log.info({ reason }, message);
        return requeueAfterMs === undefined ? {} : { requeueAfterMs };
      };

      const deps_ = checkDependencies(hr, (k) => deps.informer.get(k), deps.allowCrossNamespace);
      if (deps_.state === 'cycle' || deps_.state === 'forbidden') return block(deps_.state === 'cycle' ? 'DependencyCycle' : 'AccessDenied', deps_.message, true);
      if (deps_.state !== 'ready') return block('DependencyNotReady', deps_.message, false, deps.requeueDependencyMs);

      const chartSpec = hr.spec.chart?.spec;
      if (!chartSpec) return block('ChartRefUnsupported', 'chartRef is not supported yet: use chart.spec with a HelmRepository', true);
      let resolved;
      try {
        resolved = await deps.charts.resolve({ namespace: hr.metadata.namespace ?? 'default', chart: chartSpec.chart, version: chartSpec.version ?? '*', sourceRef: chartSpec.sourceRef }, rc.signal);
      } catch (err) {
        if (err instanceof SourceNotReadyError || err instanceof SourceForbiddenError || err instanceof ChartVersionNotFoundError) {
          return block(err.reason === 'ChartVersionNotFound' ? 'ChartNotFound' : err.reason, err.message, err instanceof SourceForbiddenError, intervalMs);
        }
        throw err;
      }

      let composed;
      try {
        composed = await composeFor(hr, deps.values);
      } catch (err) {
        if (err instanceof ValuesError) return block('ValuesError', err.message, false);
        throw err;
      }

      const desired: Desired = {
        chartName: chartSpec.chart,
        chartVersion: resolved.entry.version,
        chartDigest: resolved.entry.digest ? `sha256:${resolved.entry.digest.replace(/^sha256:/, '')}` : resolved.entry.version,
        valuesDigest: composed.digest,
      };
      const status = annotations[ANNOTATIONS.resetAt] && annotations[ANNOTATIONS.resetAt] !== hr.status?.lastHandledResetAt ? resetCounters(hr.status) : hr.status;
      const namespace = releaseNamespace(hr);
      const name = releaseName(hr);
      const last = status?.history?.[0];
      const next = plan({
        release: deps.releases.newest(namespace, name),
        last: last && last.name === name && last.namespace === namespace ? last : undefined,
        desired,
        force: annotations[ANNOTATIONS.forceAt] !== undefined && annotations[ANNOTATIONS.forceAt] !== hr.status?.lastHandledForceAt,
        sameAsLastAttempt: status?.lastAttemptedRevision === desired.chartVersion && status.lastAttemptedConfigDigest === desired.valuesDigest,
        installFailures: status?.installFailures ?? 0,
        upgradeFailures: status?.upgradeFailures ?? 0,
        installRetries: hr.spec.install?.remediation?.retries ?? 0,
        upgradeRetries: hr.spec.upgrade?.remediation?.retries ?? 0,
      });
      rc.log.debug({ plan: next, desired }, 'planned');

      const current = { ...hr, status };
      const input: ReleaseActionInput = {
        hr: current, stored: hr, resolved, desired, values: serialiseValues(composed.values), releaseName: name, namespace,
        impersonate: serviceAccountOf(hr, deps), signal: rc.signal, ctx, log: rc.log,
      };
      switch (next.action) {
        case 'none': {
          const message = `release ${namespace}/${name} at revision ${String(last?.version ?? '?')} with ${desired.chartName}@${desired.chartVersion}`;
          const reason = hr.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True')?.reason ?? 'UpgradeSucceeded';
          await writeStatus(deps.client, HELM_RELEASE, hr, released(status, reason, message, undefined, ctx));
          return { requeueAfterMs: jitter(intervalMs) };
        }
        case 'install': {
          const outcome = await installRelease(deps, input, next.replace);
          return { requeueAfterMs: outcome.ok ? jitter(intervalMs) : retryDelay(status?.installFailures ?? 0) };
        }
        case 'upgrade': {
          const outcome = await upgradeRelease(deps, input, next.cause);
          return { requeueAfterMs: outcome.ok ? jitter(intervalMs) : retryDelay(status?.upgradeFailures ?? 0) };
        }
        case 'unlock':
          return block('ReleaseLocked', `release ${namespace}/${name} is ${next.status} (left by an interrupted helm operation): automatic recovery is not built yet; run helm rollback ${name} -n ${namespace}`, false, intervalMs);
        case 'stall':
          await writeStatus(deps.client, HELM_RELEASE, hr, stalled(status, next.reason, next.message, ctx));
          return {};
      }
    },
  };
}

/** After a failed attempt with retries left: 10 s doubling to 5 min (never a hot loop). */
function retryDelay(failures: number): number {
  return Math.min(10_000 * 2 ** failures, 5 * 60_000);
}

async function addFinalizer(deps: HelmReleaseDeps, hr: HelmRelease): Promise<void> {
  try {
    await deps.client.request('PATCH', objectPath(HELM_RELEASE, hr.metadata.namespace, hr.metadata.name), {
      body: { metadata: { finalizers: [...(hr.metadata.finalizers ?? []), FINALIZER], resourceVersion: hr.metadata.resourceVersion } },
      contentType: 'application/merge-patch+json',
    });
  } catch (err) {
    if (!isApiError(err, 'Conflict')) throw err;
  }
}
