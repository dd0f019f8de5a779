// The HelmRelease reconciler: observe (cache reads: release Secrets' labels, sources, values),
// plan (pure), act (one action), and report. An in-sync release costs no helm process and no
// API write.
import { parseDuration } from '../api/duration.ts';
import { ANNOTATIONS, type HelmRelease } from '../api/objects.ts';
import { Discovery } from '../kube/discovery.ts';
import { isApiError } from '../kube/errors.ts';
import { objectPath } from '../kube/resource.ts';
import { writeStatus } from '../kube/status.ts';
import { jitter } from '../runtime/backoff.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../runtime/controller.ts';
import { ChartVersionNotFoundError } from '../source/resolve.ts';
import { SourceForbiddenError, SourceNotReadyError } from '../source/chart-source.ts';
import { SourceError } from '../source/errors.ts';
import { RepositorySecretError } from '../source/helmrepository/credentials.ts';
import { HELM_RELEASE, write, type ReleaseActionInput } from './actions/release-action.ts';
import { uninstallForDeletion } from './actions/uninstall.ts';
import { unlockRelease } from './actions/unlock.ts';
import { adoptable } from './adoption.ts';
import { apiClientFor, event, FINALIZER, serviceAccountOf, type HelmReleaseDeps } from './context.ts';
import { checkDependencies } from './dependencies.ts';
import { checkDrift, type DriftCheckDeps } from './drift/check.ts';
import { ManifestCache } from './drift/manifest-cache.ts';
import { releaseName, releaseNamespace } from './naming.ts';
import { retryDelay } from './retry.ts';
import { newestGoodRevision, plan, type Desired, type Plan, type PlanInput } from './plan.ts';
import { releaseAndVerify, remediate, remediationPolicy, verify } from './remediation.ts';
import { blocked, REMEDIATED, released, resetCounters, stalled, withDrift, type StatusContext } from './status.ts';
import { composeFor } from './values.ts';
import { ValuesError } from './values/errors.ts';
import { ValuesForbiddenError } from './values-sources.ts';
import { serialiseValues } from './values/serialise.ts';

export function helmReleaseReconciler(deps: HelmReleaseDeps): Reconciler {
  const now = deps.now ?? Date.now;
  const drift: DriftCheckDeps = { discovery: new Discovery(deps.client), manifests: new ManifestCache(), events: deps.events };
  // Workers start once caches are synced and the lease is held: no helm this process ran for a
  // release can have written anything before this (lock.ts).
  let activeSince: number | undefined;
  const reconciler = {
    kind: 'HelmRelease',
    /** `fresh`: the HelmRelease as just read from the API server, when the cache was behind it. */
    async reconcile(key: string, rc: ReconcileContext, fresh?: HelmRelease): Promise<ReconcileResult> {
      const hr = fresh ?? deps.informer.get(key);
      activeSince ??= now();
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
        // SourceError, RepositorySecretError: an OCI registry's tags are listed right here (no index to wait for).
        if (err instanceof SourceNotReadyError || err instanceof SourceForbiddenError || err instanceof ChartVersionNotFoundError || err instanceof SourceError || err instanceof RepositorySecretError) {
          return block(err.reason === 'ChartVersionNotFound' ? 'ChartNotFound' : err.reason, err.message, err instanceof SourceForbiddenError, intervalMs);
        }
        throw err;
      }

      let composed;
      try {
        composed = await composeFor(hr, deps.values, serviceAccountOf(hr, deps));
      } catch (err) {
        if (err instanceof ValuesError) return block('ValuesError', err.message, false);
        if (err instanceof ValuesForbiddenError) return block(err.reason, err.message, true, intervalMs);
        throw err;
      }

      const desired: Desired = {
        chartName: chartSpec.chart,
        chartVersion: resolved.entry.version,
        chartDigest: resolved.entry.digest ? `sha256:${resolved.entry.digest.replace(/^sha256:/, '')}` : resolved.entry.version,
        valuesDigest: composed.digest,
      };
      // Failures count towards the retries of one spec: resetAt or a changed spec starts afresh.
      const reset = (annotations[ANNOTATIONS.resetAt] && annotations[ANNOTATIONS.resetAt] !== hr.status?.lastHandledResetAt) ||
        (hr.status?.observedGeneration !== undefined && hr.status.observedGeneration !== hr.metadata.generation);
      const status = reset ? resetCounters(hr.status) : hr.status;
      const namespace = releaseNamespace(hr);
      const name = releaseName(hr);
      const history = (status?.history ?? []).filter((s) => s.name === name && s.namespace === namespace);
      const last = history[0];
      const release = deps.releases.newest(namespace, name);
      const ignoreTestFailures = hr.spec.test?.ignoreFailures === true;
      const adopted = !last && release?.status === 'deployed' ? await adoptable(apiClientFor(hr, deps), namespace, name, release.revision, desired) : undefined;
      const observed: PlanInput = {
        release,
        last,
        desired,
        force: annotations[ANNOTATIONS.forceAt] !== undefined && annotations[ANNOTATIONS.forceAt] !== hr.status?.lastHandledForceAt,
        sameAsLastAttempt: status?.lastAttemptedRevision === desired.chartVersion && status.lastAttemptedConfigDigest === desired.valuesDigest,
        installFailures: status?.installFailures ?? 0,
        upgradeFailures: status?.upgradeFailures ?? 0,
        ...remediationPolicy(hr),
        ...(status?.lastAttemptedReleaseAction ? { lastAttemptedAction: status.lastAttemptedReleaseAction } : {}),
        tests: { enable: hr.spec.test?.enable === true, ignoreFailures: ignoreTestFailures },
        goodRevision: release && newestGoodRevision(history, release.revision, (r) => deps.releases.has(namespace, name, r), ignoreTestFailures),
        remediationFailed: status?.conditions?.some((c) => c.type === REMEDIATED && c.status === 'False') === true,
        adoptable: adopted !== undefined,
      };
      const next = plan(observed);
      rc.log.debug({ plan: next, desired }, 'planned');
      // helm runs only on what the API server holds: the cache may not show the status the last
      // reconcile wrote yet, and planning from an older history would repeat its action.
      if (fresh === undefined && spawnsHelm(next)) {
        const latest = await readHelmRelease(deps, hr);
        if (latest?.metadata.resourceVersion !== hr.metadata.resourceVersion) return latest ? this.reconcile(key, rc, latest) : {};
      }

      const current = { ...hr, status };
      const input: ReleaseActionInput = {
        hr: current, stored: hr, resolved, desired, values: serialiseValues(composed.values), releaseName: name, namespace,
        impersonate: serviceAccountOf(hr, deps), signal: rc.signal, ctx, log: rc.log,
      };
      switch (next.action) {
        case 'none': {
          // A Ready condition already True keeps its words (what the last action did): rewriting them
          // here would cost every install and upgrade a second status write.
          const ready = hr.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
          const message = ready?.message ?? `release ${namespace}/${name} at revision ${String(last?.version ?? '?')} with ${desired.chartName}@${desired.chartVersion}`;
          const reason = ready?.reason ?? 'UpgradeSucceeded';
          // In sync by digest: only now are the release's objects worth comparing with its manifest.
          const deployed = observed.release?.status === 'deployed' ? observed.release : undefined;
          const drifted = deployed ? await checkDrift(drift, {
            hr: current, client: apiClientFor(hr, deps), release: { name, namespace }, revision: deployed.revision,
            facts: { chart: desired.chartName, version: desired.chartVersion }, signal: rc.signal, log: rc.log,
          }) : undefined;
          await writeStatus(deps.client, HELM_RELEASE, hr, withDrift(released(status, reason, message, undefined, ctx), drifted, ctx));
          return { requeueAfterMs: jitter(intervalMs) };
        }
        case 'adopt': {
          const message = `adopted release ${namespace}/${name} at revision ${String(adopted?.version)} with ${desired.chartName}@${desired.chartVersion}: it already runs the desired chart and values, so no upgrade was needed`;
          await writeStatus(deps.client, HELM_RELEASE, hr, released(status, 'AdoptSucceeded', message, adopted, ctx));
          await deps.events.record(event(hr, {
            type: 'Normal', reason: 'AdoptSucceeded', action: 'Adopt', note: message,
            metadata: { release: `${namespace}/${name}`, chart: desired.chartName, toVersion: desired.chartVersion, toRevision: String(adopted?.version), valuesDigest: desired.valuesDigest },
          }));
          rc.log.info({ release: `${namespace}/${name}`, revision: adopted?.version }, message);
          return { requeueAfterMs: jitter(intervalMs) };
        }
        case 'install':
        case 'upgrade': {
          const outcome = await releaseAndVerify(deps, input, next);
          return { requeueAfterMs: outcome.ok || outcome.stalled ? jitter(intervalMs) : retryDelay(outcome.failures) };
        }
        case 'test': {
          // The tests of the newest revision have not run (a crash after the upgrade, tests just enabled).
          const outcome = await verify(deps, input, await write(deps, hr, status ?? {}), last?.version ?? 0, next.after);
          return { requeueAfterMs: outcome.ok ? jitter(intervalMs) : retryDelay(outcome.failures) };
        }
        case 'remediate': {
          // A failure counted by an earlier reconcile and not yet answered (a crash between the two).
          await remediate(deps, input, await write(deps, hr, status ?? {}), next, next.after);
          return { requeueAfterMs: retryDelay(next.after === 'install' ? status?.installFailures ?? 0 : status?.upgradeFailures ?? 0) };
        }
        case 'unlock': {
          const locked = { revision: observed.release?.revision ?? 0, status: next.status };
          const outcome = await unlockRelease(deps, input, locked, { activeSince, now: now(), followUp: (release) => plan({ ...observed, release }) });
          // Once unlocked, the Secret watch brings the failed release back to be planned; a look 1 s
          // later does not depend on that event (CI saw a release left failed after an unlock).
          if (outcome.state === 'waiting') return { requeueAfterMs: outcome.retryInMs };
          return { requeueAfterMs: outcome.state === 'released' || outcome.state === 'unlocked' ? 1000 : jitter(intervalMs) };
        }
        case 'stall':
          await writeStatus(deps.client, HELM_RELEASE, hr, stalled(status, next.reason, next.message, ctx));
          return {};
      }
    },
  };
  return reconciler;
}

function spawnsHelm(next: Plan): boolean {
  return next.action === 'install' || next.action === 'upgrade' || next.action === 'test' || next.action === 'remediate';
}

async function readHelmRelease(deps: HelmReleaseDeps, hr: HelmRelease): Promise<HelmRelease | undefined> {
  try {
    return await deps.client.request<HelmRelease>('GET', objectPath(HELM_RELEASE, hr.metadata.namespace, hr.metadata.name));
  } catch (err) {
    if (isApiError(err, 'NotFound')) return undefined;
    throw err;
  }
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
