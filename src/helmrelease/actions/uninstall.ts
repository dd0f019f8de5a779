// Deletion of a HelmRelease: its finalizer uninstalls the release first (DESIGN §1 uninstall{}),
// except when the HelmRelease is suspended. An uninstall that cannot run says why in the status
// and never holds the object forever without telling how to get out.
import { parseDuration } from '../../api/duration.ts';
import type { HelmRelease } from '../../api/objects.ts';
import type { UninstallArgs } from '../../helm/args.ts';
import { uninstall } from '../../helm/commands.ts';
import { HelmError } from '../../helm/errors.ts';
import { isApiError } from '../../kube/errors.ts';
import { objectPath } from '../../kube/resource.ts';
import { writeStatus } from '../../kube/status.ts';
import type { ReconcileContext, ReconcileResult } from '../../runtime/controller.ts';
import { event, FINALIZER, serviceAccountOf, type HelmReleaseDeps } from '../context.ts';
import { releaseName, releaseNamespace } from '../naming.ts';
import { retryDelay } from '../retry.ts';
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

export async function uninstallForDeletion(deps: HelmReleaseDeps, hr: HelmRelease, rc: ReconcileContext): Promise<ReconcileResult> {
  if (!hr.metadata.finalizers?.includes(FINALIZER)) return {};
  const namespace = releaseNamespace(hr);
  const name = releaseName(hr);
  if (!hr.spec.suspend && deps.releases.newest(namespace, name)) {
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
        const failures = hr.status?.failures ?? 0;
        const message = uninstallFailedMessage(hr, err, retryDelay(failures));
        const status = blocked(hr.status, 'UninstallFailed', message, false, { generation: hr.metadata.generation, now: new Date().toISOString(), handled: {} });
        await writeStatus(deps.client, HELM_RELEASE, hr, { ...status, failures: failures + 1 });
        await deps.events.record(event(hr, { type: 'Warning', reason: 'UninstallFailed', action: 'Uninstall', note: err instanceof HelmError && err.stderrTail ? `${message}\n${err.stderrTail}` : message, metadata: { release: `${namespace}/${name}` } }));
        rc.log.warn({ release: `${namespace}/${name}`, reason: err instanceof HelmError ? err.reason : 'UninstallFailed' }, message);
        return { requeueAfterMs: retryDelay(failures) };
      }
    }
  }
  try {
    await deps.client.request('PATCH', objectPath(HELM_RELEASE, hr.metadata.namespace, hr.metadata.name), {
      body: { metadata: { finalizers: (hr.metadata.finalizers ?? []).filter((f) => f !== FINALIZER), resourceVersion: hr.metadata.resourceVersion } },
      contentType: 'application/merge-patch+json',
    });
  } catch (err) {
    if (!isApiError(err, 'NotFound') && !isApiError(err, 'Conflict')) throw err;
  }
  return {};
}

/**
 * Why the HelmRelease is still there and the ways out: fix the cause (capstan retries with backoff),
 * or let the HelmRelease go and leave the release installed.
 */
export function uninstallFailedMessage(hr: HelmRelease, err: unknown, retryMs: number): string {
  const cause = err instanceof Error ? err.message : String(err);
  const name = hr.metadata.name;
  const namespace = hr.metadata.namespace ?? 'default';
  return `uninstall of ${releaseNamespace(hr)}/${releaseName(hr)} failed, so the HelmRelease is kept: ${cause}. ` +
    `Either fix that (capstan retries in ${Math.round(retryMs / 1000)} s, or at once on kubectl annotate hr ${name} -n ${namespace} --overwrite reconcile.capstan.dev/requestedAt="$(date +%s)"), ` +
    `or abandon the release (it stays installed) by setting spec.suspend: true or by removing the finalizer ${FINALIZER}: ` +
    `kubectl patch hr ${name} -n ${namespace} --type=json -p '[{"op":"remove","path":"/metadata/finalizers"}]'`;
}
