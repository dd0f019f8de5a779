// Everything the HelmRelease reconciler and its actions share: clients, caches, helm, events.
import type { HelmRelease } from '../api/objects.ts';
import type { Helm } from '../helm/cli.ts';
import type { KubeClient } from '../kube/client.ts';
import type { EventInput, EventRecorder } from '../kube/events.ts';
import type { Informer } from '../kube/informer.ts';
import type { ChartSource } from '../source/chart-source.ts';
import type { ReleaseIndex } from './release-index.ts';
import type { ValuesSourceReader } from './values-sources.ts';

export interface HelmReleaseDeps {
  client: KubeClient;
  informer: Informer<HelmRelease>;
  releases: ReleaseIndex;
  values: ValuesSourceReader;
  charts: ChartSource;
  helm: Helm;
  events: EventRecorder;
  allowCrossNamespace: boolean;
  defaultServiceAccount?: string;
  requeueDependencyMs: number;
  /** How long a pending release written while capstan runs is left to its helm (lock.ts). */
  lockGraceMs?: number;
  now?: () => number;
}

export const REGARDING = { apiVersion: 'helm.capstan.dev/v1', kind: 'HelmRelease' };
export const FINALIZER = 'finalizers.capstan.dev';

export function event(hr: HelmRelease, input: Omit<EventInput, 'regarding'>): EventInput {
  return { regarding: { ...hr, ...REGARDING }, ...input };
}

/** The identity every helm and API call for this HelmRelease uses (DESIGN §3 Delegation). */
export function serviceAccountOf(hr: HelmRelease, deps: Pick<HelmReleaseDeps, 'defaultServiceAccount'>): string | undefined {
  const sa = hr.spec.serviceAccountName ?? deps.defaultServiceAccount;
  return sa ? `system:serviceaccount:${hr.metadata.namespace ?? 'default'}:${sa}` : undefined;
}

/** The API client for calls made on this HelmRelease's behalf: as its service account, if it has one. */
export function apiClientFor(hr: HelmRelease, deps: Pick<HelmReleaseDeps, 'client' | 'defaultServiceAccount'>): KubeClient {
  const user = serviceAccountOf(hr, deps);
  return user ? deps.client.impersonating(user) : deps.client;
}
