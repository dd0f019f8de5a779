// Answers a failed upgrade by going back to the newest good revision (`helm rollback <revision>`,
// DESIGN §1 rollback{}). Automatic, so its event is a Warning either way: the desired state failed.
import { parseDuration } from '../../api/duration.ts';
import type { HelmRelease } from '../../api/objects.ts';
import type { Snapshot } from '../../api/helmrelease.ts';
import { history, rollback } from '../../helm/commands.ts';
import type { HelmReleaseDeps } from '../context.ts';
import { recordReleaseEvent } from '../events.ts';
import { remediated } from '../status.ts';
import { helmScope, write, type ReleaseActionInput } from './release-action.ts';
import { causeFirst, rootCauseOf } from './timeout-cause.ts';

export interface RemediationOutcome {
  ok: boolean;
  current: HelmRelease;
}

/** `current`: the HelmRelease as the server has it, whose history holds `revision`. */
export async function rollbackRelease(deps: HelmReleaseDeps, input: ReleaseActionInput, current: HelmRelease, revision: number): Promise<RemediationOutcome> {
  const spec = input.hr.spec;
  const ref = `${input.namespace}/${input.releaseName}`;
  const recorded = current.status?.history ?? [];
  const failed = recorded[0];
  const good = recorded.find((s) => s.version === revision);
  const scope = helmScope(input);
  const facts = {
    release: ref, chart: input.desired.chartName, toVersion: good?.chartVersion ?? '', valuesDigest: good?.configDigest ?? '',
    ...(failed ? { from: failed } : {}),
  };
  const upgrade = `the upgrade to ${input.desired.chartName}@${input.desired.chartVersion} failed`;
  try {
    await rollback(deps.helm, {
      ...scope,
      revision,
      timeoutMs: parseDuration(spec.rollback?.timeout ?? spec.timeout ?? '5m'),
      disableWait: spec.rollback?.disableWait,
      disableHooks: spec.rollback?.disableHooks,
      force: spec.rollback?.force,
      cleanupOnFail: spec.rollback?.cleanupOnFail,
      maxHistory: spec.maxHistory ?? 5,
    });
    // helm rollback prints no release: its new revision is the newest of the history.
    const [newest] = await history(deps.helm, { ...scope, max: 1 });
    const snapshot: Snapshot | undefined = good && newest
      ? { ...good, version: newest.revision, status: newest.status, lastDeployed: newest.updated }
      : undefined;
    const message = `${upgrade}; rolled ${ref} back to revision ${revision} (${good ? `${good.chartName}@${good.chartVersion}` : 'its chart and values'}) as revision ${newest?.revision ?? '?'}`;
    input.log.warn({ release: ref, revision }, message);
    const written = await write(deps, current, remediated(current.status, { ok: true, reason: 'RollbackSucceeded', message, ...(snapshot ? { snapshot } : {}) }, input.ctx));
    await recordReleaseEvent(deps, input.hr, {
      type: 'Warning', reason: 'RollbackSucceeded', action: 'Rollback', note: message,
      facts: { ...facts, ...(newest ? { toRevision: newest.revision } : {}), ...(good?.testHooks ? { tests: good.testHooks } : {}) },
    });
    return { ok: true, current: written };
  } catch (err) {
    if (input.signal.aborted) throw err;
    // The rollback's wait ran out of time: the revision it made (newer than the failed one) says why.
    const made = deps.releases.newest(input.namespace, input.releaseName);
    const rootCause = await rootCauseOf(deps, input, err, made && made.revision > (failed?.version ?? revision) ? made.revision : undefined);
    const message = `${upgrade} and the rollback of ${ref} to revision ${revision} failed too: ${causeFirst(rootCause, err instanceof Error ? err.message : String(err))}; ` +
      'fix the release by hand (helm history, helm rollback), then set the annotation reconcile.capstan.dev/resetAt';
    input.log.warn({ release: ref, revision }, message);
    const written = await write(deps, current, remediated(current.status, { ok: false, reason: 'RollbackFailed', message }, input.ctx));
    await recordReleaseEvent(deps, input.hr, {
      type: 'Warning', reason: 'RollbackFailed', action: 'Rollback', note: message,
      facts: { ...facts, toRevision: revision, ...(rootCause ? { cause: rootCause } : {}) },
    });
    return { ok: false, current: written };
  }
}
