// Answers a failed install (when retries are configured, or remediateLastFailure), or a failed
// upgrade under `strategy: uninstall`, by uninstalling the release: the next attempt installs
// afresh. Automatic, so its event is a Warning either way: the desired state failed.
import type { HelmRelease } from '../../api/objects.ts';
import { uninstall } from '../../helm/commands.ts';
import type { HelmReleaseDeps } from '../context.ts';
import { recordReleaseEvent } from '../events.ts';
import type { ReleaseAction } from '../plan.ts';
import { remediated } from '../status.ts';
import type { RemediationOutcome } from './rollback.ts';
import { helmScope, write, type ReleaseActionInput } from './release-action.ts';
import { uninstallOptions } from './uninstall.ts';

export async function uninstallRemediation(deps: HelmReleaseDeps, input: ReleaseActionInput, current: HelmRelease, after: ReleaseAction): Promise<RemediationOutcome> {
  const ref = `${input.namespace}/${input.releaseName}`;
  const failed = current.status?.history?.[0];
  const what = `the ${after} of ${input.desired.chartName}@${input.desired.chartVersion} failed`;
  const facts = { release: ref, chart: input.desired.chartName, toVersion: input.desired.chartVersion, valuesDigest: input.desired.valuesDigest, ...(failed ? { from: failed } : {}) };
  try {
    await uninstall(deps.helm, {
      ...helmScope(input), ...uninstallOptions(input.hr),
      description: `capstan: remediation of a failed ${after}`,
    });
    const message = `${what}; uninstalled ${ref} so that the next attempt installs it afresh`;
    input.log.warn({ release: ref }, message);
    const written = await write(deps, current, remediated(current.status, { ok: true, reason: 'UninstallSucceeded', message }, input.ctx));
    await recordReleaseEvent(deps, input.hr, { type: 'Warning', reason: 'UninstallSucceeded', action: 'Uninstall', note: message, facts });
    return { ok: true, current: written };
  } catch (err) {
    if (input.signal.aborted) throw err;
    const message = `${what} and uninstalling ${ref} failed too: ${err instanceof Error ? err.message : String(err)}; ` +
      'fix the release by hand (helm uninstall), then set the annotation reconcile.capstan.dev/resetAt';
    input.log.warn({ release: ref }, message);
    const written = await write(deps, current, remediated(current.status, { ok: false, reason: 'UninstallFailed', message }, input.ctx));
    await recordReleaseEvent(deps, input.hr, { type: 'Warning', reason: 'UninstallFailed', action: 'Uninstall', note: message, facts });
    return { ok: false, current: written };
  }
}
