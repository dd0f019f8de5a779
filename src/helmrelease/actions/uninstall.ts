// Deletion of a HelmRelease: its finalizer uninstalls the release first (DESIGN §1 uninstall{}),
// except when the HelmRelease is suspended. An uninstall that cannot run says why in the status
// and never holds the object forever without telling how to get out.
import { parseDuration } from '../../api/duration.ts';
import { ANNOTATIONS, type HelmRelease } from '../../api/objects.ts';
import type { UninstallArgs } from '../../helm/args.ts';
import { uninstall } from '../../helm/commands.ts';
import { HelmError } from '../../helm/errors.ts';
import { hasFinalizer, removeFinalizer, waysOut } from '../../kube/finalizers.ts';
import { objectKey } from '../../kube/resource.ts';
import { writeStatus } from '../../kube/status.ts';
import type { ReconcileContext, ReconcileResult } from '../../runtime/controller.ts';
import { event, serviceAccountOf, type HelmReleaseDeps } from '../context.ts';
import { releaseName, releaseNamespace } from '../naming.ts';
import type { RetrySchedule } from '../../runtime/retry-delay.ts';
import { blocked } from '../status.ts';
import { HELM_RELEASE } from './release-action.ts';

/** helm uninstall as spec.uninstall says, for a deletion and for a remediation alike. */
export function uninstallOptions(hr: HelmRelease): Omit<UninstallArgs, 'releaseName'> {
  const spec = hr.spec.uninstall;
  return {
    timeoutMs: parseDuration(spec?.timeout ?? hr.spec.timeout ?? '5m'),
    keepHistory: spec?.keepHistory,
    disableHooks: spec?.disableHooks,
    disableWait: spec?.disableWait,
    deletionPropagation: spec?.deletionPropagation,
  };
}

/** `retries`: this controller's failed uninstalls by key (see RetrySchedule). */
export async function uninstallForDeletion(deps: HelmReleaseDeps, retries: RetrySchedule, hr: HelmRelease, rc: ReconcileContext): Promise<ReconcileResult> {
  if (!hasFinalizer(hr)) return {};
  const key = objectKey(hr.metadata);
  const namespace = releaseNamespace(hr);
  const name = releaseName(hr);
  if (!hr.spec.suspend && deps.releases.newest(namespace, name)) {
    const requestedAt = hr.metadata.annotations?.[ANNOTATIONS.requestedAt];
    const waitMs = retries.waitMs(key, requestedAt);
    if (waitMs > 0) return { requeueAfterMs: waitMs };
    const impersonate = serviceAccountOf(hr, deps);
    try {
      await uninstall(deps.helm, {
        namespace, releaseName: name,
        ...uninstallOptions(hr),
        ...(impersonate ? { impersonate: { user: impersonate } } : {}),
        signal: rc.signal,
      });
      await deps.events.record(event(hr, { type: 'Normal', reason: 'UninstallSucceeded', action: 'Uninstall', note: `uninstalled ${namespace}/${name}`, metadata: { release: `${namespace}/${name}` } }));
    } catch (err) {
      if (!(err instanceof HelmError) || err.reason !== 'ReleaseNotFound') {
        if (rc.signal.aborted) throw err;
        const retryMs = retries.failed(key, requestedAt);
        const message = uninstallFailedMessage(hr, err, retryMs);
        const status = blocked(hr.status, 'UninstallFailed', message, false, { generation: hr.metadata.generation, now: new Date().toISOString(), handled: {} });
        await writeStatus(deps.client, HELM_RELEASE, hr, { ...status, failures: (hr.status?.failures ?? 0) + 1 });
        await deps.events.record(event(hr, { type: 'Warning', reason: 'UninstallFailed', action: 'Uninstall', note: err instanceof HelmError && err.stderrTail ? `${message}\n${err.stderrTail}` : message, metadata: { release: `${namespace}/${name}` } }));
        rc.log.warn({ release: `${namespace}/${name}`, reason: err instanceof HelmError ? err.reason : 'UninstallFailed' }, message);
        return { requeueAfterMs: retryMs };
      }
    }
  }
  retries.forget(key);
  await removeFinalizer(deps.client, HELM_RELEASE, hr);
  return {};
}

/**
 * Why the HelmRelease is still there and the ways out: fix the cause (capstan retries with backoff),
 * or let the HelmRelease go and leave the release installed.
 */
export function uninstallFailedMessage(hr: HelmRelease, err: unknown, retryMs: number): string {
  const cause = err instanceof Error ? err.message : String(err);
  return `uninstall of ${releaseNamespace(hr)}/${releaseName(hr)} failed, so the HelmRelease is kept: ${cause}. ${waysOut('hr', hr, retryMs, 'the release (it stays installed)')}`;
}
