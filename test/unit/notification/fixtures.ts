// Events as the EventRecorder streams them, for the notification unit tests.
import type { RecordedEvent } from '../../../src/kube/events.ts';

export function recorded(overrides: Partial<RecordedEvent> & { name?: string; namespace?: string; kind?: string; labels?: Record<string, string> } = {}): RecordedEvent {
  const { name = 'web', namespace = 'apps', kind = 'HelmRelease', labels, ...rest } = overrides;
  return {
    regarding: { apiVersion: 'helm.capstan.dev/v1', kind, metadata: { name, namespace, uid: 'uid-1', ...(labels ? { labels } : {}) } },
    type: 'Normal',
    reason: 'UpgradeSucceeded',
    action: 'Upgrade',
    note: 'upgraded apps/web revision 4 with app@2.0.0',
    time: '2026-11-24T08:00:00.000Z',
    count: 1,
    ...rest,
  };
}

/** What the rollback action records: from is the failed revision, to the good one restored. */
export const ROLLBACK = recorded({
  type: 'Warning',
  reason: 'RollbackSucceeded',
  action: 'Rollback',
  note: 'the upgrade to app@2.1.0 failed; rolled apps/web back to revision 3 (app@2.0.0) as revision 5',
  metadata: {
    release: 'apps/web', chart: 'app', fromVersion: '2.1.0', toVersion: '2.0.0', fromRevision: '4', toRevision: '5',
    cause: 'Deployment apps/web not ready: 0/1 replicas available', valuesDigest: 'sha256:abc',
  },
});
