// The HelmRelease reconciler: observe (cache reads: release Secrets' labels, sources, values),
// plan (pure), act (one action), and report. An in-sync release costs no helm process and no
// API write.
import { parseDuration } from '../api/duration.ts';
import { ANNOTATIONS, type HelmRelease } from '../api/objects.ts';
import { Discovery } from '../kube/discovery.ts';
import { addFinalizer, hasFinalizer } from '../kube/finalizers.ts';
import { asStored, forgetObject, mayPredateOwnWrite, writeStatus } from '../kube/status.ts';
import { jitter } from '../runtime/backoff.ts';
import { checkDependencies } from '../runtime/dependencies.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../runtime/controller.ts';
import { ChartVersionNotFoundError } from '../source/resolve.ts';
import { SourceError, SourceForbiddenError, SourceNotReadyError } from '../source/errors.ts';
import { GitChartError } from '../source/git-chart.ts';
import { ArtifactError } from '../source/gitrepository/artifact.ts';
import { RepositorySecretError } from '../source/helmrepository/credentials.ts';
import { HELM_RELEASE, write, type ReleaseActionInput } from './actions/release-action.ts';
import { uninstallForDeletion } from './actions/uninstall.ts';
import { unlockRelease } from './actions/unlock.ts';
import { adoptable } from './adoption.ts';
import { chartRequestOf } from './chart-request.ts';
import { apiClientFor, event, serviceAccountOf, type HelmReleaseDeps } from './context.ts';
import { checkDrift, type DriftCheckDeps } from './drift/check.ts';
import { ManifestCache } from './drift/manifest-cache.ts';
import { releaseName, releaseNamespace } from './naming.ts';
import { retryDelay, RetrySchedule } from '../runtime/retry-delay.ts';
import { newestGoodRevision, plan, type Desired, type PlanInput } from './plan.ts';
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
  const deletionRetries = new RetrySchedule(now);
  const reconciler = {
    kind: 'HelmRelease',
    /** `fresh`: the HelmRelease as just read from the API server, when the cache was behind it. */
    async reconcile(key: string, rc: ReconcileContext, fresh?: HelmRelease): Promise<ReconcileResult> {
      const hr = fresh ?? deps.informer.get(key);
      activeSince ??= now();
      if (!hr) {
        forgetObject(deps.client, HELM_RELEASE, key);
        deletionRetries.forget(key);
        return {};
      }
      if (hr.metadata.deletionTimestamp) return uninstallForDeletion(deps, deletionRetries, hr, rc);
      // Not being deleted: whatever a deletion of that name left (its finalizer removed by hand) is not this one's.
      deletionRetries.forget(key);
      if (!hasFinalizer(hr)) {
        await addFinalizer(deps.client, HELM_RELEASE, hr);
        return {}; // the update event brings the object back with its finalizer
      }
      if (hr.spec.suspend) return {};
      // The object as the API server holds it, when the cache may be behind (restarts the reconcile
      // with it, or says the cache was current): read at most once per reconcile.
      let readThrough = fresh !== undefined;
      const restartFromStored = async (): Promise<ReconcileResult | undefined> => {
        if (readThrough) return undefined;
        readThrough = true;
        const stored = await asStored(deps.client, HELM_RELEASE, hr);
        if (stored === hr) return undefined;
        return stored ? this.reconcile(key, rc, stored) : {};
      };
      // Until the watch delivers this process's last write, a block or an in-sync pass decided
      // from the older status would write it back, or (its patch then empty) leave a Ready=False
      // that no longer holds until the next interval.
      if (mayPredateOwnWrite(deps.client, HELM_RELEASE, hr)) {
        const restarted = await restartFromStored();
        if (restarted) return restarted;
      }

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

      const deps_ = checkDependencies(hr, 'HelmRelease', deps.dependencies, deps.allowCrossNamespace);
      if (deps_.state === 'cycle' || deps_.state === 'forbidden') return block(deps_.state === 'cycle' ? 'DependencyCycle' : 'AccessDenied', deps_.message, true);
      if (deps_.state !== 'ready') return block('DependencyNotReady', deps_.message, false, deps.requeueDependencyMs);

      let resolved;
      try {
        resolved = await deps.charts.resolve(chartRequestOf(hr), rc.signal);
      } catch (err) {
        if (err instanceof SourceNotReadyError && err.catchingUp) {
          rc.log.debug({ retryAfterMs: err.retryAfterMs }, err.message);
          return { requeueAfterMs: err.retryAfterMs ?? intervalMs };
        }
        const blocking = chartBlock(err);
        if (!blocking) throw err;
        return block(blocking.reason, blocking.message, blocking.stalled, blocking.retryAfterMs ?? intervalMs);
      }

      let composed;
      try {
        composed = await composeFor(hr, deps.values, serviceAccountOf(hr, deps));
      } catch (err) {
        if (err instanceof ValuesError) return block('ValuesError', err.message, false);
        if (err instanceof ValuesForbiddenError) return block(err.reason, err.message, true, intervalMs);
        throw err;
      }

      const desired: Desired = { chartName: resolved.name, chartVersion: resolved.version, chartDigest: resolved.digest, valuesDigest: composed.digest };
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
      // Anything but 'none' acts on the history (helm runs, or the history is rewritten), so it acts
      // only on what the API server holds: the cache may not show the status the last reconcile
      // wrote yet. Planned from an older history, an install just done would be repeated, or
      // adopted as if someone else had made it (CI saw AdoptSucceeded overwrite InstallSucceeded).
      if (next.action !== 'none') {
        const restarted = await restartFromStored();
        if (restarted) return restarted;
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
          rc.log.warn({ reason: next.reason }, next.message);
          return {};
      }
    },
  };
  return reconciler;
}

/** Why the chart cannot be had now, as the Ready condition says it; undefined for errors that are not about the source. */
function chartBlock(err: unknown): { reason: string; message: string; stalled: boolean; retryAfterMs?: number } | undefined {
  if (err instanceof SourceNotReadyError) return { reason: err.reason, message: err.message, stalled: false, ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}) };
  if (err instanceof SourceForbiddenError) return { reason: err.reason, message: err.message, stalled: true };
  if (err instanceof ChartVersionNotFoundError) return { reason: 'ChartNotFound', message: err.message, stalled: false };
  // SourceError, RepositorySecretError: an OCI registry's tags are listed right here (no index to wait for).
  // GitChartError, ArtifactError: a chart from Git is packaged right here; a new commit may fix it.
  if (err instanceof SourceError || err instanceof RepositorySecretError || err instanceof GitChartError || err instanceof ArtifactError) {
    return { reason: err.reason, message: err.message, stalled: false };
  }
  return undefined;
}
