// Decides a HelmRelease's next step from what was observed (pure and synchronous: every input is
// gathered by the reconciler first, so this is table-tested without a cluster or helm).

/** Helm's release statuses, as on the release Secret's `status` label. */
export type ReleaseStatus =
  | 'deployed' | 'failed' | 'superseded' | 'uninstalled' | 'uninstalling'
  | 'pending-install' | 'pending-upgrade' | 'pending-rollback' | 'unknown';

export const LOCKED_STATUSES: readonly ReleaseStatus[] = ['pending-install', 'pending-upgrade', 'pending-rollback', 'uninstalling'];

/** The newest revision of the release in the cluster (from its Secret's labels: no helm process). */
export interface ObservedRelease {
  revision: number;
  status: ReleaseStatus;
}

export interface TestResult {
  name: string;
  phase: string;
}

/** What capstan recorded of one revision (an entry of status.history). */
export interface LastSnapshot {
  version: number;
  status: string;
  chartName: string;
  chartVersion: string;
  chartDigest?: string;
  configDigest: string;
  /** Absent until the tests of this revision have run. */
  testHooks?: TestResult[];
}

export interface Desired {
  chartName: string;
  chartVersion: string;
  chartDigest: string;
  valuesDigest: string;
}

export type ReleaseAction = 'install' | 'upgrade';

export interface RemediationPolicy {
  /** Retries allowed after a failure; negative = forever (install only). */
  installRetries: number;
  upgradeRetries: number;
  installRemediateLastFailure?: boolean;
  /** Unset: true when upgrade retries are configured. */
  upgradeRemediateLastFailure?: boolean;
  upgradeStrategy: 'rollback' | 'uninstall';
}

export interface PlanInput extends RemediationPolicy {
  release: ObservedRelease | undefined;
  last: LastSnapshot | undefined;
  desired: Desired;
  /** reconcile.capstan.dev/forceAt set and not yet handled. */
  force: boolean;
  /** The last attempt was of exactly this chart and these values. */
  sameAsLastAttempt: boolean;
  lastAttemptedAction?: ReleaseAction;
  installFailures: number;
  upgradeFailures: number;
  tests: { enable: boolean; ignoreFailures: boolean };
  /** The revision a failed upgrade rolls back to (see newestGoodRevision). */
  goodRevision?: number;
  /** The remediation of the last failed attempt was tried and failed itself. */
  remediationFailed: boolean;
  /** A deployed release capstan has no history of already runs the desired chart and values. */
  adoptable?: boolean;
}

export type UpgradeCause = 'chart' | 'values' | 'adopt' | 'out-of-band' | 'retry' | 'force';

export type Remediation = { strategy: 'rollback'; revision: number } | { strategy: 'uninstall' };

export type StallReason = 'RetriesExceeded' | 'RemediationFailed';

export type Plan =
  | { action: 'none' }
  | { action: 'install'; replace: boolean; retry: boolean }
  | { action: 'upgrade'; cause: UpgradeCause }
  | { action: 'adopt' }
  | { action: 'test'; after: ReleaseAction }
  | ({ action: 'remediate'; after: ReleaseAction } & Remediation)
  | { action: 'unlock'; status: ReleaseStatus }
  | { action: 'stall'; reason: StallReason; message: string };

export function retriesLeft(failures: number, retries: number): boolean {
  return retries < 0 || failures <= retries;
}

/** Whether any recorded test of a revision failed (helm's phases: Succeeded, Failed, Running, Unknown). */
export function testsFailed(snapshot: Pick<LastSnapshot, 'testHooks'> | undefined): boolean {
  return snapshot?.testHooks?.some((t) => t.phase !== 'Succeeded') === true;
}

/**
 * How a failed attempt is answered, or undefined to leave the release as it is. An install is
 * uninstalled between attempts only when retries are configured; a failed upgrade is uninstalled
 * only when the user chose `strategy: uninstall`, and otherwise rolled back to `goodRevision`.
 */
export function remediationFor(action: ReleaseAction, failures: number, policy: RemediationPolicy, goodRevision: number | undefined): Remediation | undefined {
  if (action === 'install') {
    const left = policy.installRetries !== 0 && retriesLeft(failures, policy.installRetries);
    return left || policy.installRemediateLastFailure === true ? { strategy: 'uninstall' } : undefined;
  }
  const left = retriesLeft(failures, policy.upgradeRetries);
  if (!left && !(policy.upgradeRemediateLastFailure ?? policy.upgradeRetries > 0)) return undefined;
  if (policy.upgradeStrategy === 'uninstall') return { strategy: 'uninstall' };
  return goodRevision === undefined ? undefined : { strategy: 'rollback', revision: goodRevision };
}

/**
 * The revision a failed upgrade goes back to: the newest one capstan deployed before `failed`
 * whose tests (if they ran) passed, and that helm still keeps.
 */
export function newestGoodRevision(history: readonly LastSnapshot[], failed: number, kept: (revision: number) => boolean, ignoreTestFailures: boolean): number | undefined {
  return history.find((s) => s.version < failed && s.status === 'deployed' && (ignoreTestFailures || !testsFailed(s)) && kept(s.version))?.version;
}

export function plan(input: PlanInput): Plan {
  const { release, last, desired } = input;
  if (release && LOCKED_STATUSES.includes(release.status)) return { action: 'unlock', status: release.status };

  if (!release || release.status === 'uninstalled') {
    const retry = input.sameAsLastAttempt && (input.installFailures > 0 || input.upgradeFailures > 0);
    if (retry && !input.force && exhausted(input)) return stall(input);
    return { action: 'install', replace: release?.status === 'uninstalled', retry };
  }
  if (input.force) return { action: 'upgrade', cause: 'force' };

  const failed = failedAttempt(input);
  if (failed) return answerFailure(failed, input);

  // A release capstan never recorded (made by hand or by another tool) is recorded as it is when it
  // already matches, and upgraded in place otherwise: never uninstalled and installed again.
  if (!last) return input.adoptable === true ? { action: 'adopt' } : { action: 'upgrade', cause: 'adopt' };
  // Someone ran helm against it since capstan's last revision: its values are unknown.
  if (last.version !== release.revision) return { action: 'upgrade', cause: 'out-of-band' };

  const chartChanged = last.chartName !== desired.chartName || last.chartVersion !== desired.chartVersion ||
    (last.chartDigest !== undefined && last.chartDigest !== desired.chartDigest);
  const cause = chartChanged ? 'chart' : last.configDigest !== desired.valuesDigest ? 'values' : undefined;
  if (cause !== undefined) {
    // The same attempt already failed (and was remediated, or never reached helm's storage: the
    // templates did not render, the values broke the schema): it counts against the retries.
    if (input.sameAsLastAttempt && exhausted(input)) return stall(input);
    return { action: 'upgrade', cause };
  }
  // A failed revision whose failure is not (or no longer) counted: resetAt, a spec change.
  if (release.status === 'failed') return { action: 'upgrade', cause: 'retry' };
  // Tests that have not run for this revision (a crash after the upgrade, tests just enabled),
  // or whose failure is no longer counted (resetAt): run them.
  if (input.tests.enable && (last.testHooks === undefined || (testsFailed(last) && !input.tests.ignoreFailures))) {
    return { action: 'test', after: input.lastAttemptedAction ?? (release.revision === 1 ? 'install' : 'upgrade') };
  }
  return { action: 'none' };
}

/** The newest revision is capstan's own failed attempt at these inputs, counted and not yet answered. */
function failedAttempt(input: PlanInput): ReleaseAction | undefined {
  const { release, last, lastAttemptedAction: action } = input;
  if (!release || !action || !input.sameAsLastAttempt) return undefined;
  if ((action === 'install' ? input.installFailures : input.upgradeFailures) === 0) return undefined;
  if (release.status === 'failed') return action;
  const testFailed = release.status === 'deployed' && last?.version === release.revision && testsFailed(last) && !input.tests.ignoreFailures;
  return testFailed ? action : undefined;
}

function answerFailure(action: ReleaseAction, input: PlanInput): Plan {
  const failures = action === 'install' ? input.installFailures : input.upgradeFailures;
  if (input.remediationFailed) {
    return stall(input, 'RemediationFailed',
      `the remediation of the failed ${action} of ${input.desired.chartName}@${input.desired.chartVersion} failed too: ` +
      'fix the release by hand, or change the chart or the values, or set the annotation reconcile.capstan.dev/resetAt (retry) or forceAt (force an upgrade)');
  }
  const remediation = remediationFor(action, failures, input, input.goodRevision);
  if (remediation) return { action: 'remediate', after: action, ...remediation };
  if (exhausted(input)) return stall(input);
  // Retries left but nothing to roll back to: the upgrade is tried again over the failed revision.
  return action === 'install' ? { action: 'install', replace: true, retry: true } : { action: 'upgrade', cause: 'retry' };
}

function exhausted(input: PlanInput): boolean {
  return (input.installFailures > 0 && !retriesLeft(input.installFailures, input.installRetries)) ||
    (input.upgradeFailures > 0 && !retriesLeft(input.upgradeFailures, input.upgradeRetries));
}

function stall(input: PlanInput, reason: StallReason = 'RetriesExceeded', message?: string): Plan {
  const what = input.upgradeFailures > 0 ? 'upgrade' : 'install';
  const failures = Math.max(input.installFailures, input.upgradeFailures);
  return {
    action: 'stall',
    reason,
    message: message ?? `${what} of ${input.desired.chartName}@${input.desired.chartVersion} failed ${failures} time(s) and no retries are left: ` +
      'change the chart or the values, or set the annotation reconcile.capstan.dev/resetAt (retry) or forceAt (force an upgrade)',
  };
}
