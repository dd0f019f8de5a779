// Everything the HelmRelease reconciler and its actions share: clients, caches, helm, events.
import type { HelmRelease } from '../api/objects.ts';
import type { Helm } from '../helm/cli.ts';
import type { KubeClient } from '../kube/client.ts';
import type { EventInput, EventRecorder } from '../kube/events.ts';
import type { Informer } from '../kube/informer.ts';
import type { Lookup } from '../runtime/dependencies.ts';
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
  /** HelmReleases and Kustomizations by reference, for dependsOn. */
  dependencies: Lookup;
  /** How long a pending release written while capstan runs is left to its helm (lock.ts). */
  lockGraceMs?: number;
  now?: () => number;
}

export const REGARDING = { apiVersion: 'helm.capstan.dev/v1', kind: 'HelmRelease' };

export function event(hr: HelmRelease, input: Omit<EventInput, 'regarding'>): EventInput {
  return { regarding: { ...hr, ...REGARDING }, ...input };
}

/** An object that may name a service account to act as: a HelmRelease or a Kustomization. */
type Delegating = Pick<HelmRelease, 'metadata'> & { spec: { serviceAccountName?: string } };

/** The identity every helm and API call for this HelmRelease (or Kustomization) uses (DESIGN §3 Delegation). */
export function serviceAccountOf(hr: Delegating, deps: Pick<HelmReleaseDeps, 'defaultServiceAccount'>): string | undefined {
  const sa = hr.spec.serviceAccountName ?? deps.defaultServiceAccount;
  return sa ? `system:serviceaccount:${hr.metadata.namespace ?? 'default'}:${sa}` : undefined;
}

/** The API client for calls made on this HelmRelease's behalf: as its service account, if it has one. */
export function apiClientFor(hr: Delegating, deps: Pick<HelmReleaseDeps, 'client' | 'defaultServiceAccount'>): KubeClient {
  const user = serviceAccountOf(hr, deps);
  return user ? deps.client.impersonating(user) : deps.client;
}
