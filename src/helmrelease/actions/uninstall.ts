// Deletion of a HelmRelease: its finalizer uninstalls the release first (DESIGN §1 uninstall{}),
// except when the HelmRelease is suspended. An uninstall that cannot run says why in the status
// and never holds the object forever without telling how to get out.
import { parseDuration } from '../../api/duration.ts';
import type { HelmRelease } from '../../api/objects.ts';
import { uninstall } from '../../helm/commands.ts';
import { HelmError } from '../../helm/errors.ts';
import { isApiError } from '../../kube/errors.ts';
import { objectPath } from '../../kube/resource.ts';
import { writeStatus } from '../../kube/status.ts';
import type { ReconcileContext, ReconcileResult } from '../../runtime/controller.ts';
import { event, FINALIZER, serviceAccountOf, type HelmReleaseDeps } from '../context.ts';
import { releaseName, releaseNamespace } from '../naming.ts';
import { blocked } from '../status.ts';
import { HELM_RELEASE } from './release-action.ts';

export async function uninstallForDeletion(deps: HelmReleaseDeps, hr: HelmRelease, rc: ReconcileContext): Promise<ReconcileResult> {
  if (!hr.metadata.finalizers?.includes(FINALIZER)) return {};
  const namespace = releaseNamespace(hr);
  const name = releaseName(hr);
  if (!hr.spec.suspend && deps.releases.newest(namespace, name)) {
    const impersonate = serviceAccountOf(hr, deps);
    try {
      await uninstall(deps.helm, {
        namespace, releaseName: name,
        timeoutMs: parseDuration(hr.spec.uninstall?.timeout ?? hr.spec.timeout ?? '5m'),
        keepHistory: hr.spec.uninstall?.keepHistory,
        disableHooks: hr.spec.uninstall?.disableHooks,
        disableWait: hr.spec.uninstall?.disableWait,
        deletionPropagation: hr.spec.uninstall?.deletionPropagation,
        ...(impersonate ? { impersonate: { user: impersonate } } : {}),
        signal: rc.signal,
      });
      await deps.events.record(event(hr, { type: 'Normal', reason: 'UninstallSucceeded', action: 'Uninstall', note: `uninstalled ${namespace}/${name}`, metadata: { release: `${namespace}/${name}` } }));
    } catch (err) {
      if (!(err instanceof HelmError) || err.reason !== 'ReleaseNotFound') {
        const cause = err instanceof Error ? err.message : String(err);
        const message = `uninstall of ${namespace}/${name} failed, so the HelmRelease is kept: ${cause}. ` +
          'Fix the cause, or set spec.suspend: true to delete the HelmRelease without uninstalling';
        await writeStatus(deps.client, HELM_RELEASE, hr, blocked(hr.status, 'UninstallFailed', message, false, { generation: hr.metadata.generation, now: new Date().toISOString(), handled: {} }));
        await deps.events.record(event(hr, { type: 'Warning', reason: 'UninstallFailed', action: 'Uninstall', note: message }));
        return { requeueAfterMs: 30_000 };
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
