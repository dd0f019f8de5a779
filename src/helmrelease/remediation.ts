// What follows an install or upgrade in the same reconcile: its tests, and the remediation of a
// failure (rollback or uninstall, as plan.ts's remediationFor decides). Each step writes its
// status before the next runs, so a crash at any point leaves a state the next reconcile's plan
// picks up from (an untested revision, a failed attempt not yet remediated).
import type { HelmRelease } from '../api/objects.ts';
import { installRelease } from './actions/install.ts';
import type { ReleaseActionInput } from './actions/release-action.ts';
import { rollbackRelease, type RemediationOutcome } from './actions/rollback.ts';
import { testRelease } from './actions/test.ts';
import { uninstallRemediation } from './actions/uninstall-remediation.ts';
import { upgradeRelease } from './actions/upgrade.ts';
import type { HelmReleaseDeps } from './context.ts';
import { newestGoodRevision, remediationFor, type Plan, type ReleaseAction, type Remediation, type RemediationPolicy } from './plan.ts';

export interface Verified {
  ok: boolean;
  /** The user must act (AccessDenied): look again at the interval, not on the retry backoff. */
  stalled?: boolean;
  /** The failure counter of the action after this reconcile (for the retry delay). */
  failures: number;
}

/** spec.install.remediation and spec.upgrade.remediation, with capstan's defaults. */
export function remediationPolicy(hr: HelmRelease): RemediationPolicy {
  const install = hr.spec.install?.remediation;
  const upgrade = hr.spec.upgrade?.remediation;
  return {
    installRetries: install?.retries ?? 0,
    upgradeRetries: upgrade?.retries ?? 0,
    ...(install?.remediateLastFailure !== undefined ? { installRemediateLastFailure: install.remediateLastFailure } : {}),
    ...(upgrade?.remediateLastFailure !== undefined ? { upgradeRemediateLastFailure: upgrade.remediateLastFailure } : {}),
    upgradeStrategy: upgrade?.strategy ?? 'rollback',
  };
}

type ReleaseStep = Extract<Plan, { action: 'install' | 'upgrade' }>;

/** Installs or upgrades, then tests the new revision, and remediates whichever failed. */
export async function releaseAndVerify(deps: HelmReleaseDeps, input: ReleaseActionInput, step: ReleaseStep): Promise<Verified> {
  const outcome = step.action === 'install' ? await installRelease(deps, input, step.replace) : await upgradeRelease(deps, input, step.cause);
  if (outcome.stalled) return { ok: false, stalled: true, failures: 0 };
  if (!outcome.ok) return outcome.snapshot ? remediateFailure(deps, input, outcome.current, step.action, outcome.snapshot.version) : failed(outcome.current, step.action);
  if (outcome.snapshot && input.hr.spec.test?.enable === true) return verify(deps, input, outcome.current, outcome.snapshot.version, step.action);
  return { ok: true, failures: 0 };
}

/** Tests `revision` (after the install or upgrade that made it) and remediates a failure. */
export async function verify(deps: HelmReleaseDeps, input: ReleaseActionInput, current: HelmRelease, revision: number, after: ReleaseAction): Promise<Verified> {
  const outcome = await testRelease(deps, input, current, revision, after);
  if (outcome.verdict !== 'failed') return { ok: true, failures: 0 };
  return remediateFailure(deps, input, outcome.current, after, revision);
}

/** Runs one remediation (planned from a failure a crash left unanswered, or just after one). */
export function remediate(deps: HelmReleaseDeps, input: ReleaseActionInput, current: HelmRelease, remediation: Remediation, after: ReleaseAction): Promise<RemediationOutcome> {
  return remediation.strategy === 'rollback'
    ? rollbackRelease(deps, input, current, remediation.revision)
    : uninstallRemediation(deps, input, current, after);
}

/** The failure of `failedRevision` is counted in `current`: remediate it if the policy says so. */
async function remediateFailure(deps: HelmReleaseDeps, input: ReleaseActionInput, current: HelmRelease, after: ReleaseAction, failedRevision: number): Promise<Verified> {
  const counted = failed(current, after);
  const good = newestGoodRevision(current.status?.history ?? [], failedRevision,
    (revision) => deps.releases.has(input.namespace, input.releaseName, revision), input.hr.spec.test?.ignoreFailures === true);
  const remediation = remediationFor(after, counted.failures, remediationPolicy(input.hr), good);
  if (remediation) await remediate(deps, input, current, remediation, after);
  return counted;
}

function failed(current: HelmRelease, after: ReleaseAction): Verified {
  return { ok: false, failures: (after === 'install' ? current.status?.installFailures : current.status?.upgradeFailures) ?? 0 };
}
