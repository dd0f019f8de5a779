// Why helm's --wait ran out of time: the objects of the revision it waited on, read back and
// assessed (kube/readiness.ts), give one line naming the first one not ready and why. helm 3 says
// only "context deadline exceeded"; helm 4 names the object but not its pods. Bounded: the
// manifest, at most MAX_OBJECTS GETs, and two lists for the pods of the first workload not ready,
// all under one deadline. Any failure to look (RBAC, a pruned revision) leaves helm's words alone.
import { HelmTimeoutError } from '../../helm/errors.ts';
import type { KubeClient } from '../../kube/client.ts';
import { firstPodProblem, newReplicaSet, notReadyLine, podSelector, readinessOf, deploymentReadiness, type LiveObject, type Pod, type Readiness } from '../../kube/readiness.ts';
import { collectionPath, objectPath, type KubeList, type ResourceRef } from '../../kube/resource.ts';
import type { Logger } from '../../log/logger.ts';
import { apiClientFor, type HelmReleaseDeps } from '../context.ts';
import { readReleaseManifest } from '../drift/manifest-cache.ts';
import { parseManifest, type ManifestObject } from '../drift/release-manifest.ts';
import type { ReleaseActionInput } from './release-action.ts';

const MAX_OBJECTS = 10;
const MAX_PODS = 50;
const DEADLINE_MS = 10_000;

const ref = (group: string, plural: string, kind: string): ResourceRef => ({ group, version: 'v1', plural, kind, namespaced: true });
const PODS = ref('', 'pods', 'Pod');
const RESOURCES: Record<string, ResourceRef> = {
  Deployment: ref('apps', 'deployments', 'Deployment'),
  StatefulSet: ref('apps', 'statefulsets', 'StatefulSet'),
  DaemonSet: ref('apps', 'daemonsets', 'DaemonSet'),
  Job: ref('batch', 'jobs', 'Job'),
  PersistentVolumeClaim: ref('', 'persistentvolumeclaims', 'PersistentVolumeClaim'),
  Pod: PODS,
};
const REPLICA_SETS = ref('apps', 'replicasets', 'ReplicaSet');

interface TimeoutCauseInput {
  /** The HelmRelease's client (impersonating its service account, if it has one). */
  client: KubeClient;
  release: { namespace: string; name: string };
  /** The revision helm waited on (the one it recorded as failed). */
  revision: number;
  signal: AbortSignal;
  log: Logger;
}

/**
 * The root cause of a failed install, upgrade or rollback: when `err` is a timeout of helm's wait
 * on `revision`, the first object of it not ready and why; otherwise undefined (helm said it all).
 */
export function rootCauseOf(deps: Pick<HelmReleaseDeps, 'client' | 'defaultServiceAccount'>, input: Pick<ReleaseActionInput, 'hr' | 'namespace' | 'releaseName' | 'signal' | 'log'>,
  err: unknown, revision: number | undefined): Promise<string | undefined> {
  if (!(err instanceof HelmTimeoutError) || revision === undefined) return Promise.resolve(undefined);
  return timeoutCause({ client: apiClientFor(input.hr, deps), release: { namespace: input.namespace, name: input.releaseName }, revision, signal: input.signal, log: input.log });
}

/** The cause first, then helm's own words. */
export function causeFirst(rootCause: string | undefined, said: string): string {
  return rootCause ? `${rootCause}; ${said}` : said;
}

/** "Deployment apps/web: 0/1 replicas available (pod web-5d9c-x2x: container app not ready)", or undefined. */
async function timeoutCause(input: TimeoutCauseInput): Promise<string | undefined> {
  const signal = AbortSignal.any([input.signal, AbortSignal.timeout(DEADLINE_MS)]);
  try {
    const manifest = await readReleaseManifest(input.client, { ...input.release, revision: input.revision });
    const what = `release ${input.release.namespace}/${input.release.name} revision ${String(input.revision)}`;
    const objects = parseManifest(manifest, what).filter(isAssessed).slice(0, MAX_OBJECTS);
    const live = await Promise.all(objects.map((o) => get(input.client, o, input.release.namespace, signal)));
    const notReady = live.flatMap((o) => {
      const readiness = o ? readinessOf(o) : undefined;
      return o && readiness && !readiness.ready ? [{ o, readiness }] : [];
    });
    const [first] = notReady;
    if (!first) return undefined;
    const { readiness, pod } = await withPods(input.client, first.o, first.readiness, signal);
    const more = notReady.length > 1 ? `; ${String(notReady.length - 1)} more not ready` : '';
    return `${notReadyLine(first.o, readiness, pod)}${more}`;
  } catch (err) {
    if (input.signal.aborted) throw err;
    input.log.debug({ release: input.release, revision: input.revision, err }, 'could not assess the readiness of the release objects');
    return undefined;
  }
}

function isAssessed(o: ManifestObject): boolean {
  const resource = RESOURCES[o.kind];
  return resource !== undefined && o.apiVersion === (resource.group ? `${resource.group}/v1` : 'v1');
}

async function get(client: KubeClient, o: ManifestObject, releaseNamespace: string, signal: AbortSignal): Promise<LiveObject | undefined> {
  const resource = RESOURCES[o.kind];
  if (!resource) return undefined;
  const live = await client.getIfExists<LiveObject>(objectPath(resource, o.metadata.namespace ?? releaseNamespace, o.metadata.name), { signal });
  // Gone (a hook deleted it, a user did): nothing to say about its readiness.
  return live && { ...live, kind: o.kind };
}

/** A workload's pods say why it is not ready; a Deployment's are those of its newest ReplicaSet. */
async function withPods(client: KubeClient, o: LiveObject, readiness: Readiness, signal: AbortSignal): Promise<{ readiness: Readiness; pod?: string }> {
  const selector = podSelector(o);
  const namespace = o.metadata.namespace;
  if (selector === undefined || namespace === undefined) return { readiness };
  const list = <T>(resource: ResourceRef, labelSelector: string) =>
    client.request<KubeList<T>>('GET', collectionPath(resource, namespace), { query: { labelSelector, limit: MAX_PODS }, signal });
  let pods = selector;
  let assessed = readiness;
  if (o.kind === 'Deployment') {
    const newRs = newReplicaSet(o, (await list<LiveObject>(REPLICA_SETS, selector)).items ?? []);
    const hash = newRs?.metadata.labels?.['pod-template-hash'];
    if (newRs) assessed = deploymentReadiness(o, newRs);
    if (hash !== undefined) pods = `${selector},pod-template-hash=${hash}`;
  }
  const pod = firstPodProblem((await list<Pod>(PODS, pods)).items ?? []);
  return { readiness: assessed, ...(pod ? { pod } : {}) };
}
