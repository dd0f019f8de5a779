// One line per object for `capstan get`, with the columns `flux get` users know (pure).
import type { KindName } from '../api/kinds.ts';
import type { KubeObject } from '../kube/resource.ts';

export interface Row {
  namespace: string;
  name: string;
  revision: string;
  suspended: string;
  ready: string;
  message: string;
  age: string;
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

interface Summarised extends KubeObject {
  spec?: { suspend?: boolean };
  status?: {
    conditions?: Condition[];
    history?: { chartName?: string; chartVersion?: string; version?: number }[];
    artifact?: { revision?: string };
    lastAppliedRevision?: string;
    webhookPath?: string;
  };
}

export function readyCondition(obj: KubeObject): Condition | undefined {
  return (obj as Summarised).status?.conditions?.find((c) => c.type === 'Ready');
}

/** chart@version for a release, the artifact for a source, the applied revision for a Kustomization. */
export function revisionOf(kind: KindName, obj: KubeObject): string {
  const status = (obj as Summarised).status;
  switch (kind) {
    case 'HelmRelease': {
      const newest = status?.history?.[0];
      return newest?.chartName && newest.chartVersion ? `${newest.chartName}@${newest.chartVersion}` : '';
    }
    case 'HelmRepository':
    case 'GitRepository':
      return status?.artifact?.revision ?? '';
    case 'Kustomization':
      return status?.lastAppliedRevision ?? '';
    case 'Receiver':
      return status?.webhookPath ?? '';
    case 'Provider':
    case 'Alert':
      return '';
  }
}

export function summarise(kind: KindName, obj: KubeObject, now: number): Row {
  const ready = readyCondition(obj);
  const created = obj.metadata.creationTimestamp ? Date.parse(obj.metadata.creationTimestamp) : now;
  return {
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name,
    revision: revisionOf(kind, obj),
    suspended: (obj as Summarised).spec?.suspend === true ? 'True' : 'False',
    ready: ready?.status ?? 'Unknown',
    message: ready?.message ?? 'waiting to be reconciled',
    age: humanDuration(now - created),
  };
}

/** kubectl's AGE: precise when recent, coarser as it grows (95s, 5m30s, 45m, 5h30m, 40h, 3d4h, 45d, 3y). */
export function humanDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  if (seconds < 120) return `${String(seconds)}s`;
  if (minutes < 10) return seconds % 60 === 0 ? `${String(minutes)}m` : `${String(minutes)}m${String(seconds % 60)}s`;
  if (hours < 3) return `${String(minutes)}m`;
  if (hours < 8) return minutes % 60 === 0 ? `${String(hours)}h` : `${String(hours)}h${String(minutes % 60)}m`;
  if (hours < 48) return `${String(hours)}h`;
  if (days < 8) return hours % 24 === 0 ? `${String(days)}d` : `${String(days)}d${String(hours % 24)}h`;
  if (days < 365 * 2) return `${String(days)}d`;
  return `${String(Math.floor(days / 365))}y`;
}
