// Every capstan kind, with what its CRD needs beyond the schemas (names, scope, printer columns).
import { HELM_GROUP, HelmReleaseSpec, HelmReleaseStatus } from './helmrelease.ts';
import { KUSTOMIZE_GROUP, KustomizationSpec, KustomizationStatus } from './kustomization.ts';
import { AlertSpec, NOTIFICATION_GROUP, NotificationStatus, ProviderSpec, ReceiverSpec } from './notification.ts';
import type { TSchema } from './schema.ts';
import { GitRepositorySpec, GitRepositoryStatus, HelmRepositorySpec, HelmRepositoryStatus, SOURCE_GROUP } from './source.ts';

export const API_VERSION = 'v1';

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'date';
  jsonPath: string;
  priority?: number;
  description?: string;
}

export interface KindInfo {
  group: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  description: string;
  spec: TSchema;
  status: TSchema;
  columns: PrinterColumn[];
}

const ready: PrinterColumn[] = [
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'Status', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].message' },
];
const age: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

export const KINDS = {
  HelmRepository: {
    group: SOURCE_GROUP, kind: 'HelmRepository', plural: 'helmrepositories', singular: 'helmrepository', shortNames: ['hrepo'],
    description: 'An HTTP(S) Helm repository or an OCI registry path, fetched once per interval and shared by every release.',
    spec: HelmRepositorySpec, status: HelmRepositoryStatus,
    columns: [{ name: 'URL', type: 'string', jsonPath: '.spec.url' }, ...ready, { name: 'Revision', type: 'string', jsonPath: '.status.artifact.revision', priority: 1 }, age],
  },
  GitRepository: {
    group: SOURCE_GROUP, kind: 'GitRepository', plural: 'gitrepositories', singular: 'gitrepository', shortNames: ['gitrepo'],
    description: 'A Git ref: source of plain YAML and of charts kept in Git.',
    spec: GitRepositorySpec, status: GitRepositoryStatus,
    columns: [{ name: 'URL', type: 'string', jsonPath: '.spec.url' }, ...ready, { name: 'Revision', type: 'string', jsonPath: '.status.artifact.revision' }, age],
  },
  HelmRelease: {
    group: HELM_GROUP, kind: 'HelmRelease', plural: 'helmreleases', singular: 'helmrelease', shortNames: ['hr'],
    description: 'One Helm release: chart + version range + values, installed, tested, upgraded and remediated.',
    spec: HelmReleaseSpec, status: HelmReleaseStatus,
    columns: [
      ...ready,
      { name: 'Chart', type: 'string', jsonPath: '.status.history[0].chartVersion', description: 'Chart version of the newest revision.' },
      { name: 'Revision', type: 'integer', jsonPath: '.status.history[0].version', description: 'Helm release revision.' },
      age,
    ],
  },
  Kustomization: {
    group: KUSTOMIZE_GROUP, kind: 'Kustomization', plural: 'kustomizations', singular: 'kustomization', shortNames: ['ks'],
    description: 'Plain YAML from a source path, server-side applied, pruned and health-checked.',
    spec: KustomizationSpec, status: KustomizationStatus,
    columns: [...ready, { name: 'Revision', type: 'string', jsonPath: '.status.lastAppliedRevision' }, age],
  },
  Provider: {
    group: NOTIFICATION_GROUP, kind: 'Provider', plural: 'providers', singular: 'provider', shortNames: [],
    description: 'Where alerts go: Slack, Teams, Discord, Google Chat or a (signed) generic webhook.',
    spec: ProviderSpec, status: NotificationStatus,
    columns: [{ name: 'Type', type: 'string', jsonPath: '.spec.type' }, ...ready, age],
  },
  Alert: {
    group: NOTIFICATION_GROUP, kind: 'Alert', plural: 'alerts', singular: 'alert', shortNames: [],
    description: 'Which events are sent to a Provider.',
    spec: AlertSpec, status: NotificationStatus,
    columns: [...ready, age],
  },
  Receiver: {
    group: NOTIFICATION_GROUP, kind: 'Receiver', plural: 'receivers', singular: 'receiver', shortNames: [],
    description: 'An incoming webhook that requests reconciles of the objects it names.',
    spec: ReceiverSpec, status: NotificationStatus,
    columns: [...ready, { name: 'Path', type: 'string', jsonPath: '.status.webhookPath', priority: 1 }, age],
  },
} as const satisfies Record<string, KindInfo>;

export type KindName = keyof typeof KINDS;
