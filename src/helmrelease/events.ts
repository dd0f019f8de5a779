// The events a HelmRelease's actions emit (docs/helmrelease.md lists them for alert authors) and
// the facts every one of them carries. events.k8s.io/v1 has no field for such facts: the recorder
// writes them as `event.capstan.dev/<key>` annotations on the Event and hands them as they are to
// the in-process stream the notification module subscribes to.
import type { Snapshot, TestHookStatus } from '../api/helmrelease.ts';
import type { HelmRelease } from '../api/objects.ts';
import type { EventType } from '../kube/events.ts';
import { event, type HelmReleaseDeps } from './context.ts';

/** Every reason a release action gives its event; automatic remediations are Warnings. */
export const RELEASE_EVENT_REASONS = [
  'InstallSucceeded', 'InstallFailed', 'UpgradeSucceeded', 'UpgradeFailed',
  'TestSucceeded', 'TestFailed', 'RollbackSucceeded', 'RollbackFailed', 'UninstallSucceeded', 'UninstallFailed',
] as const;
export type ReleaseEventReason = (typeof RELEASE_EVENT_REASONS)[number];

/** What notifications need to say which release went from what to what. */
export interface ReleaseFacts {
  /** namespace/name of the Helm release. */
  release: string;
  chart: string;
  /** The revision that was deployed before the action, as capstan recorded it. */
  from?: Pick<Snapshot, 'chartVersion' | 'version'>;
  /** The chart version and values the action aimed at. */
  toVersion?: string;
  toRevision?: number;
  valuesDigest?: string;
  tests?: TestHookStatus[];
  /** The classified helm error, when the action failed. */
  helmReason?: string;
  /** The root cause capstan found, when helm's own words do not name it (a --wait timeout). */
  cause?: string;
}

/** The event metadata: flat strings, never values or secrets (only their digest). */
export function factsMetadata(f: ReleaseFacts): Record<string, string> {
  return {
    release: f.release,
    chart: f.chart,
    ...(f.from ? { fromVersion: f.from.chartVersion, fromRevision: String(f.from.version) } : {}),
    ...(f.toVersion !== undefined ? { toVersion: f.toVersion } : {}),
    ...(f.toRevision !== undefined ? { toRevision: String(f.toRevision) } : {}),
    ...(f.valuesDigest !== undefined ? { valuesDigest: f.valuesDigest } : {}),
    ...(f.tests ? { testResults: f.tests.map((t) => `${t.name}=${t.phase}`).join(',') } : {}),
    ...(f.helmReason !== undefined ? { helmReason: f.helmReason } : {}),
    ...(f.cause !== undefined ? { cause: f.cause } : {}),
  };
}

export interface ReleaseEvent {
  type: EventType;
  reason: ReleaseEventReason;
  /** What capstan did: Install, Upgrade, Test, Rollback, Uninstall. */
  action: 'Install' | 'Upgrade' | 'Test' | 'Rollback' | 'Uninstall';
  note: string;
  facts: ReleaseFacts;
}

export function recordReleaseEvent(deps: Pick<HelmReleaseDeps, 'events'>, hr: HelmRelease, e: ReleaseEvent): Promise<void> {
  return deps.events.record(event(hr, { type: e.type, reason: e.reason, action: e.action, note: e.note, metadata: factsMetadata(e.facts) }));
}
