// Decides a HelmRelease's next step from what was observed (pure and synchronous: every input is
// gathered by state.ts first, so this is table-tested without a cluster or helm).

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

/** What capstan last recorded of the release (status.history[0]). */
export interface LastSnapshot {
  version: number;
  status: string;
  chartName: string;
  chartVersion: string;
  chartDigest?: string;
  configDigest: string;
}

export interface Desired {
  chartName: string;
  chartVersion: string;
  chartDigest: string;
  valuesDigest: string;
}

export interface PlanInput {
  release: ObservedRelease | undefined;
  last: LastSnapshot | undefined;
  desired: Desired;
  /** reconcile.capstan.dev/forceAt set and not yet handled. */
  force: boolean;
  /** The last attempt was of exactly this chart and these values. */
  sameAsLastAttempt: boolean;
  installFailures: number;
  upgradeFailures: number;
  /** Retries allowed after a failure; negative = forever. */
  installRetries: number;
  upgradeRetries: number;
}

export type UpgradeCause = 'chart' | 'values' | 'adopt' | 'out-of-band' | 'retry' | 'force';

export type Plan =
  | { action: 'none' }
  | { action: 'install'; replace: boolean; retry: boolean }
  | { action: 'upgrade'; cause: UpgradeCause }
  | { action: 'unlock'; status: ReleaseStatus }
  | { action: 'stall'; reason: 'RetriesExceeded'; message: string };

function retriesLeft(failures: number, retries: number): boolean {
  return retries < 0 || failures <= retries;
}

export function plan(input: PlanInput): Plan {
  const { release, last, desired } = input;
  if (release && LOCKED_STATUSES.includes(release.status)) return { action: 'unlock', status: release.status };

  if (!release || release.status === 'uninstalled') {
    const retry = input.sameAsLastAttempt && input.installFailures > 0;
    if (retry && !input.force && !retriesLeft(input.installFailures, input.installRetries)) {
      return stall('install', input.installFailures, desired);
    }
    return { action: 'install', replace: release?.status === 'uninstalled', retry };
  }

  if (input.force) return { action: 'upgrade', cause: 'force' };
  // capstan's own install failed after helm recorded it (a wait that timed out, a failed hook): not
  // a release to adopt but an install to retry over the failed one, within the install retries.
  if (!last && release.status === 'failed' && input.sameAsLastAttempt && input.installFailures > 0) {
    if (!retriesLeft(input.installFailures, input.installRetries)) return stall('install', input.installFailures, desired);
    return { action: 'install', replace: true, retry: true };
  }
  // A release capstan never recorded (made by hand or by another tool) is upgraded in place.
  if (!last) return { action: 'upgrade', cause: 'adopt' };
  // Someone ran helm against it since capstan's last revision: its values are unknown.
  if (last.version !== release.revision) return { action: 'upgrade', cause: 'out-of-band' };

  if (release.status === 'failed') {
    if (input.sameAsLastAttempt && !retriesLeft(input.upgradeFailures, input.upgradeRetries)) {
      return stall('upgrade', input.upgradeFailures, desired);
    }
    if (input.sameAsLastAttempt) return { action: 'upgrade', cause: 'retry' };
  }
  const chartChanged = last.chartName !== desired.chartName || last.chartVersion !== desired.chartVersion ||
    (last.chartDigest !== undefined && last.chartDigest !== desired.chartDigest);
  const cause = chartChanged ? 'chart' : last.configDigest !== desired.valuesDigest ? 'values' : undefined;
  if (cause === undefined) return { action: 'none' };
  // The same upgrade already failed before helm recorded a revision (the templates did not render,
  // the values broke the schema): the release is still deployed, but the failure counts all the same.
  if (input.sameAsLastAttempt && input.upgradeFailures > 0 && !retriesLeft(input.upgradeFailures, input.upgradeRetries)) {
    return stall('upgrade', input.upgradeFailures, desired);
  }
  return { action: 'upgrade', cause };
}

function stall(what: 'install' | 'upgrade', failures: number, desired: Desired): Plan {
  return {
    action: 'stall',
    reason: 'RetriesExceeded',
    message: `${what} of ${desired.chartName}@${desired.chartVersion} failed ${failures} time(s) and no retries are left: ` +
      'change the chart or the values, or set the annotation reconcile.capstan.dev/resetAt (retry) or forceAt (force an upgrade)',
  };
}
