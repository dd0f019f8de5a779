// Whether a workload is ready, and if not, why, in the words of kstatus (the library helm 4's
// --wait uses): observed generation, updated and available replicas, a Deployment's progress
// deadline, a Job's failure, a claim's binding, and for the pods behind a workload, the first
// not-ready one's container state. Pure: the caller reads the objects. Used to name the root cause
// when helm's --wait times out, since helm 3 only says "context deadline exceeded", and by
// Kustomization health checks (kstatusOf: every kind, as kstatus assesses them, including what
// kstatus calls Failed: not ready, and waiting longer will not change that).
import type { KubeObject } from './resource.ts';

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

/** The fields of Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs and PVCs read here. */
export interface LiveObject extends KubeObject {
  spec?: {
    replicas?: number;
    completions?: number;
    selector?: { matchLabels?: Record<string, string> };
    updateStrategy?: { type?: string };
    /** A Service's type. */
    type?: string;
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
    desiredNumberScheduled?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
    succeeded?: number;
    active?: number;
    phase?: string;
    conditions?: (Condition & { observedGeneration?: number })[];
    loadBalancer?: { ingress?: unknown[] };
  };
}

interface ContainerState {
  waiting?: { reason?: string; message?: string };
  terminated?: { reason?: string; exitCode?: number; message?: string };
}

export interface Pod extends KubeObject {
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    conditions?: Condition[];
    initContainerStatuses?: { name: string; ready?: boolean; state?: ContainerState }[];
    containerStatuses?: { name: string; ready?: boolean; state?: ContainerState }[];
  };
}

export interface Readiness {
  ready: boolean;
  /** Why it is not ready ("0/1 replicas available"); "ready" when it is. */
  detail: string;
  /**
   * kstatus's Failed: its controller gave up (a Job out of retries, a Deployment past its progress
   * deadline, Stalled=True), so waiting for it to become ready is pointless. Absent otherwise.
   */
  failed?: true;
}

/** The kinds assessed (others are taken as ready: helm's own wait decided about them). */
export const ASSESSED_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'PersistentVolumeClaim', 'Pod'] as const;

const DETAIL_LIMIT = 200;
const READY: Readiness = { ready: true, detail: 'ready' };

function notReady(detail: string): Readiness {
  return { ready: false, detail };
}

function failedWith(detail: string): Readiness {
  return { ready: false, detail, failed: true };
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > DETAIL_LIMIT ? `${line.slice(0, DETAIL_LIMIT - 1)}…` : line;
}

function condition(o: { status?: { conditions?: Condition[] } }, type: string): Condition | undefined {
  return o.status?.conditions?.find((c) => c.type === type);
}

/** The controller has not yet looked at the newest spec: nothing else in status is about it. */
function unobserved(o: LiveObject): Readiness | undefined {
  const generation = o.metadata.generation;
  const observed = o.status?.observedGeneration ?? 0;
  if (generation === undefined || observed >= generation) return undefined;
  return notReady(`generation ${String(generation)} not yet observed by its controller (observed ${String(observed)})`);
}

/**
 * The ReplicaSet of a Deployment's current template: the one whose revision annotation is the
 * Deployment's (the deployment controller keeps them equal).
 */
export function newReplicaSet(deployment: LiveObject, replicaSets: readonly LiveObject[]): LiveObject | undefined {
  const key = 'deployment.kubernetes.io/revision';
  const revision = deployment.metadata.annotations?.[key];
  if (revision === undefined) return undefined;
  return replicaSets.find((rs) => rs.metadata.annotations?.[key] === revision);
}

/** `newRs` (when known) tells the new template's available pods from the old ones that still serve. */
export function deploymentReadiness(d: LiveObject, newRs?: LiveObject): Readiness {
  const pending = unobserved(d);
  if (pending) return pending;
  const want = d.spec?.replicas ?? 1;
  const status = d.status ?? {};
  const old = (status.replicas ?? 0) - (status.updatedReplicas ?? 0);
  // Past its deadline the deployment controller stops trying (kstatus: Failed), whatever the counts say.
  const exceeded = condition(d, 'Progressing')?.reason === 'ProgressDeadlineExceeded';
  const deadline = exceeded ? ', progress deadline exceeded' : '';
  const verdict = exceeded ? failedWith : notReady;
  if (newRs) {
    const available = newRs.status?.availableReplicas ?? 0;
    if (available < want) return verdict(`${String(available)}/${String(want)} ${old > 0 ? 'updated ' : ''}replicas available${deadline}`);
  }
  const updated = status.updatedReplicas ?? 0;
  if (updated < want) return verdict(`${String(updated)}/${String(want)} replicas updated${deadline}`);
  const available = status.availableReplicas ?? 0;
  if (available < want) return verdict(`${String(available)}/${String(want)} replicas available${deadline}`);
  if (old > 0) return verdict(`${String(old)} old replicas pending termination${deadline}`);
  return exceeded ? failedWith(deadline.slice(2)) : READY;
}

function statefulSetReadiness(s: LiveObject): Readiness {
  const pending = unobserved(s);
  if (pending) return pending;
  const want = s.spec?.replicas ?? 1;
  const status = s.status ?? {};
  const ready = status.readyReplicas ?? 0;
  if (ready < want) return notReady(`${String(ready)}/${String(want)} replicas ready`);
  const rolling = (s.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  if (rolling && status.updateRevision !== undefined && status.currentRevision !== status.updateRevision) {
    return notReady(`${String(status.updatedReplicas ?? 0)}/${String(want)} replicas updated`);
  }
  return READY;
}

function daemonSetReadiness(ds: LiveObject): Readiness {
  const pending = unobserved(ds);
  if (pending) return pending;
  const status = ds.status ?? {};
  const want = status.desiredNumberScheduled ?? 0;
  const updated = status.updatedNumberScheduled ?? 0;
  if (updated < want) return notReady(`${String(updated)}/${String(want)} pods updated`);
  const available = status.numberAvailable ?? 0;
  if (available < want) return notReady(`${String(available)}/${String(want)} pods available`);
  return READY;
}

function replicaSetReadiness(rs: LiveObject): Readiness {
  const pending = unobserved(rs);
  if (pending) return pending;
  const want = rs.spec?.replicas ?? 1;
  const available = rs.status?.availableReplicas ?? 0;
  return available < want ? notReady(`${String(available)}/${String(want)} replicas available`) : READY;
}

function jobReadiness(j: LiveObject): Readiness {
  const failed = condition(j, 'Failed');
  if (failed?.status === 'True') return failedWith(`failed: ${clip([failed.reason, failed.message].filter(Boolean).join(': '))}`);
  if (condition(j, 'Complete')?.status === 'True') return READY;
  const want = j.spec?.completions ?? 1;
  return notReady(`${String(j.status?.succeeded ?? 0)}/${String(want)} completions succeeded (${String(j.status?.active ?? 0)} active)`);
}

function claimReadiness(pvc: LiveObject): Readiness {
  const phase = pvc.status?.phase ?? 'Pending';
  return phase === 'Bound' ? READY : notReady(`${phase}, not Bound`);
}

function podReady(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || condition(pod, 'Ready')?.status === 'True';
}

/** What keeps one pod from being ready: unschedulable, a container waiting, terminated or not ready. */
export function podDetail(pod: Pod): string {
  const status = pod.status ?? {};
  const scheduled = condition(pod, 'PodScheduled');
  if (scheduled?.status === 'False') return clip(`not scheduled: ${scheduled.message ?? scheduled.reason ?? 'no reason given'}`);
  if (status.phase === 'Failed') return clip(`failed: ${[status.reason, status.message].filter(Boolean).join(': ') || 'no reason given'}`);
  const containers = [
    ...(status.initContainerStatuses ?? []).map((c) => ({ ...c, what: 'init container' })),
    ...(status.containerStatuses ?? []).map((c) => ({ ...c, what: 'container' })),
  ];
  for (const c of containers) {
    const { waiting, terminated } = c.state ?? {};
    if (waiting) return clip(`${c.what} ${c.name} waiting: ${[waiting.reason, waiting.message].filter(Boolean).join(': ') || 'no reason given'}`);
    if (terminated && terminated.exitCode !== 0) {
      return clip(`${c.what} ${c.name} terminated: ${terminated.reason ?? 'Error'} (exit code ${String(terminated.exitCode)})${terminated.message ? `: ${terminated.message}` : ''}`);
    }
  }
  const unready = containers.find((c) => c.what === 'container' && c.ready !== true);
  const message = condition(pod, 'Ready')?.message;
  if (unready) return clip(`container ${unready.name} not ready${message ? `: ${message}` : ''}`);
  return clip(`not ready${message ? `: ${message}` : ''}`);
}

/** The first pod that is not ready, and why: "pod web-5d9c-x2x: container app not ready". */
export function firstPodProblem(pods: readonly Pod[]): string | undefined {
  const pod = pods.find((p) => !podReady(p) && p.metadata.deletionTimestamp === undefined);
  return pod ? `pod ${pod.metadata.name}: ${podDetail(pod)}` : undefined;
}

/** The readiness of an object of an assessed kind; undefined for any other kind. */
export function readinessOf(o: LiveObject): Readiness | undefined {
  switch (o.kind) {
    case 'Deployment': return deploymentReadiness(o);
    case 'StatefulSet': return statefulSetReadiness(o);
    case 'DaemonSet': return daemonSetReadiness(o);
    case 'Job': return jobReadiness(o);
    case 'PersistentVolumeClaim': return claimReadiness(o);
    case 'Pod': return podReady(o) ? READY : notReady(podDetail(o));
    default: return undefined;
  }
}

// A Service serves once it exists (Flux's rule, kstatus's too), except a LoadBalancer, which
// serves nothing outside the cluster until its load balancer has an address.
function serviceReadiness(svc: LiveObject): Readiness {
  if (svc.spec?.type !== 'LoadBalancer' || (svc.status?.loadBalancer?.ingress ?? []).length > 0) return READY;
  return notReady('LoadBalancer has no ingress address yet');
}

function crdReadiness(crd: LiveObject): Readiness {
  if (condition(crd, 'Established')?.status === 'True') return READY;
  const names = condition(crd, 'NamesAccepted');
  if (names?.status === 'False') return failedWith(clip(`names not accepted: ${names.message ?? names.reason ?? 'no reason given'}`));
  return notReady('not Established yet');
}

const CAPSTAN_GROUP = /\.capstan\.dev\//;

/**
 * Any other kind, by its conditions (kstatus's generic rule): status.observedGeneration behind
 * metadata.generation, Stalled=True, Reconciling=True, and a Ready condition that is not True or
 * was set for an older generation are not ready. capstan's own kinds must have a Ready condition:
 * a new HelmRelease has no status at all until its controller has looked at it. Only Stalled=True
 * is Failed: Ready=False alone may still be on its way (kstatus takes it as InProgress too).
 */
function conditionsReadiness(o: LiveObject): Readiness {
  // Only a status that says which generation it is about can be behind: many kinds have none.
  const pending = o.status?.observedGeneration === undefined ? undefined : unobserved(o);
  if (pending) return pending;
  const says = (c: Condition) => clip([c.reason, c.message].filter(Boolean).join(': ') || 'no reason given');
  const generation = o.metadata.generation;
  const older = (c: { observedGeneration?: number }) => generation !== undefined && c.observedGeneration !== undefined && c.observedGeneration < generation;
  const conditions = o.status?.conditions ?? [];
  // Stalled for an older generation is not a verdict on this one: its controller may yet apply it.
  const stalled = conditions.find((c) => c.type === 'Stalled');
  if (stalled?.status === 'True') return (older(stalled) ? notReady : failedWith)(`stalled: ${says(stalled)}`);
  const ready = conditions.find((c) => c.type === 'Ready');
  if (ready === undefined) {
    if (CAPSTAN_GROUP.test(o.apiVersion ?? '')) return notReady('no Ready condition yet');
  } else {
    if (older(ready)) {
      return notReady(`Ready condition is about generation ${String(ready.observedGeneration)}, not ${String(generation ?? 0)}`);
    }
    if (ready.status !== 'True') return notReady(`Ready=${ready.status ?? 'Unknown'}: ${says(ready)}`);
  }
  const reconciling = condition(o, 'Reconciling');
  if (reconciling?.status === 'True') return notReady(`reconciling: ${says(reconciling)}`);
  return READY;
}

/** The readiness of any object, kstatus-style: the kinds above by their status, any other by its conditions. */
export function kstatusOf(o: LiveObject): Readiness {
  switch (o.kind) {
    case 'ReplicaSet': return replicaSetReadiness(o);
    case 'Service': return serviceReadiness(o);
    case 'CustomResourceDefinition': return crdReadiness(o);
    default: return readinessOf(o) ?? conditionsReadiness(o);
  }
}

/** The label selector of a workload's pods (matchLabels only), for listing them. */
export function podSelector(o: LiveObject): string | undefined {
  const labels = Object.entries(o.spec?.selector?.matchLabels ?? {});
  return labels.length ? labels.map(([k, v]) => `${k}=${v}`).join(',') : undefined;
}

/** One line: "Deployment apps/web: 0/1 replicas available (pod web-5d9c-x2x: container app not ready)". */
export function notReadyLine(o: KubeObject, readiness: Readiness, pod?: string): string {
  const where = o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
  return `${o.kind ?? 'Object'} ${where}: ${readiness.detail}${pod ? ` (${pod})` : ''}`;
}
