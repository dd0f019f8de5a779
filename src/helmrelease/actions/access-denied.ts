// RBAC refused a helm call made as the HelmRelease's service account (DESIGN §3 Delegation): a
// tenant reaching outside what its Roles allow. Retrying cannot help and the chart is not at
// fault, so the attempt is not counted: the release stalls with AccessDenied and the API
// server's own words until the user grants the permission (the next reconcile then succeeds).
import type { HelmRelease } from '../../api/objects.ts';
import type { HelmForbiddenError } from '../../helm/errors.ts';
import { writeStatus } from '../../kube/status.ts';
import { event, type HelmReleaseDeps } from '../context.ts';
import { factsMetadata } from '../events.ts';
import { stalled } from '../status.ts';
import { releaseFacts } from './facts.ts';
import { HELM_RELEASE, type ReleaseActionInput } from './release-action.ts';

const ACCESS_DENIED = 'AccessDenied';

/** `current`: the HelmRelease as the server has it after the attempt was recorded. */
export async function reportAccessDenied(deps: HelmReleaseDeps, input: ReleaseActionInput, current: HelmRelease, err: HelmForbiddenError): Promise<void> {
  const message = err.message;
  input.log.warn({ release: `${input.namespace}/${input.releaseName}`, reason: ACCESS_DENIED }, message);
  await writeStatus(deps.client, HELM_RELEASE, current, stalled(current.status, ACCESS_DENIED, message, input.ctx));
  await deps.events.record(event(input.hr, {
    type: 'Warning', reason: ACCESS_DENIED, action: err.action === 'install' ? 'Install' : 'Upgrade', note: message,
    metadata: factsMetadata({ ...releaseFacts(input), helmReason: err.reason }),
  }));
}
