import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  deploymentReadiness, firstPodProblem, newReplicaSet, notReadyLine, podDetail, podSelector, readinessOf, type LiveObject, type Pod,
} from '../../../src/kube/readiness.ts';

// As the API server returns them (trimmed to what readiness reads), after helm 3 installed
// never-ready 2.0.0 and kwok ran its pod.
const deployment = (changes: { generation?: number; annotations?: Record<string, string>; status?: LiveObject['status'] } = {}): LiveObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment',
  metadata: { name: 'web-never-ready', namespace: 'apps', generation: changes.generation ?? 1, annotations: changes.annotations ?? { 'deployment.kubernetes.io/revision': '1' } },
  spec: { replicas: 1, selector: { matchLabels: { 'app.kubernetes.io/instance': 'web' } } },
  status: changes.status ?? {
    observedGeneration: 1, replicas: 1, updatedReplicas: 1, unavailableReplicas: 1,
    conditions: [
      { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
      { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'ReplicaSet "web-never-ready-5d9c7b8f4" is progressing.' },
    ],
  } as LiveObject['status'],
});

const replicaSet = (hash: string, revision: string, available: number): LiveObject => ({
  apiVersion: 'apps/v1', kind: 'ReplicaSet',
  metadata: { name: `web-never-ready-${hash}`, namespace: 'apps', labels: { 'pod-template-hash': hash }, annotations: { 'deployment.kubernetes.io/revision': revision } },
  status: { replicas: 1, availableReplicas: available },
});

const neverReadyPod: Pod = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'web-never-ready-5d9c7b8f4-x2x7q', namespace: 'apps' },
  status: {
    phase: 'Running',
    conditions: [
      { type: 'Initialized', status: 'True' },
      { type: 'Ready', status: 'False', reason: 'ReadinessProbeFailing' },
      { type: 'ContainersReady', status: 'False' },
    ],
    containerStatuses: [{ name: 'app', ready: false, state: {} }],
  },
};

const readyPod: Pod = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'web-never-ready-7f6b-abcde', namespace: 'apps' },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'app', ready: true, state: {} }] },
};

describe('deployment readiness', () => {
  it('counts available replicas of an install whose pods never become ready', () => {
    assert.deepEqual(readinessOf(deployment()), { ready: false, detail: '0/1 replicas available' });
  });

  it('is ready once every replica is updated and available', () => {
    assert.deepEqual(readinessOf(deployment({ status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 } })), { ready: true, detail: 'ready' });
  });

  it('says the spec has not been observed before reading the rest of the status', () => {
    assert.equal(readinessOf(deployment({ generation: 3 }))?.detail, 'generation 3 not yet observed by its controller (observed 1)');
  });

  it('counts the new ReplicaSet only during an upgrade, when old pods still serve', () => {
    const d = deployment({
      annotations: { 'deployment.kubernetes.io/revision': '2' },
      status: { observedGeneration: 1, replicas: 2, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 },
    });
    const rs = newReplicaSet(d, [replicaSet('7f6b', '1', 1), replicaSet('5d9c7b8f4', '2', 0)]);
    assert.equal(rs?.metadata.name, 'web-never-ready-5d9c7b8f4');
    assert.equal(deploymentReadiness(d, rs).detail, '0/1 updated replicas available');
    assert.equal(deploymentReadiness(d).detail, '1 old replicas pending termination', 'without the ReplicaSet, the old pods are what is left');
  });

  it('adds a progress deadline that was exceeded', () => {
    const d = deployment({
      status: {
        observedGeneration: 1, replicas: 1, updatedReplicas: 1,
        conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-5d9c" has timed out progressing.' }],
      },
    });
    assert.equal(readinessOf(d)?.detail, '0/1 replicas available, progress deadline exceeded');
  });

  it('has no new ReplicaSet without a revision annotation', () => {
    assert.equal(newReplicaSet(deployment({ annotations: {} }), [replicaSet('5d9c7b8f4', '1', 0)]), undefined);
  });
});

describe('other kinds', () => {
  it('a StatefulSet needs its replicas ready and its update revision current', () => {
    const sts = (status: LiveObject['status']): LiveObject => ({ kind: 'StatefulSet', metadata: { name: 'db', generation: 2 }, spec: { replicas: 3 }, status });
    assert.equal(readinessOf(sts({ observedGeneration: 2, readyReplicas: 1 }))?.detail, '1/3 replicas ready');
    assert.equal(readinessOf(sts({ observedGeneration: 2, readyReplicas: 3, updatedReplicas: 1, currentRevision: 'db-1', updateRevision: 'db-2' }))?.detail, '1/3 replicas updated');
    assert.equal(readinessOf(sts({ observedGeneration: 2, readyReplicas: 3, currentRevision: 'db-2', updateRevision: 'db-2' }))?.ready, true);
  });

  it('a DaemonSet needs its scheduled pods updated and available', () => {
    const ds = (status: LiveObject['status']): LiveObject => ({ kind: 'DaemonSet', metadata: { name: 'agent' }, status });
    assert.equal(readinessOf(ds({ desiredNumberScheduled: 2, updatedNumberScheduled: 1, numberAvailable: 1 }))?.detail, '1/2 pods updated');
    assert.equal(readinessOf(ds({ desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 0 }))?.detail, '0/2 pods available');
  });

  it('a Job that failed says why; one still running counts completions', () => {
    const failed: LiveObject = { kind: 'Job', metadata: { name: 'migrate' }, status: { conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] } };
    assert.equal(readinessOf(failed)?.detail, 'failed: BackoffLimitExceeded: Job has reached the specified backoff limit');
    assert.equal(readinessOf({ kind: 'Job', metadata: { name: 'migrate' }, status: { active: 1 } })?.detail, '0/1 completions succeeded (1 active)');
    assert.equal(readinessOf({ kind: 'Job', metadata: { name: 'migrate' }, status: { conditions: [{ type: 'Complete', status: 'True' }] } })?.ready, true);
  });

  it('a PersistentVolumeClaim must be Bound', () => {
    assert.equal(readinessOf({ kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, status: { phase: 'Pending' } })?.detail, 'Pending, not Bound');
    assert.equal(readinessOf({ kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, status: { phase: 'Bound' } })?.ready, true);
  });

  it('leaves other kinds to helm', () => {
    assert.equal(readinessOf({ kind: 'ConfigMap', metadata: { name: 'config' } }), undefined);
  });
});

describe('pods', () => {
  it('names the first pod not ready and its container', () => {
    assert.equal(firstPodProblem([readyPod, neverReadyPod]), 'pod web-never-ready-5d9c7b8f4-x2x7q: container app not ready');
    assert.equal(firstPodProblem([readyPod]), undefined);
  });

  it('gives a waiting container its reason and message', () => {
    const pod: Pod = { ...neverReadyPod, status: { phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.capstan.test/web:9"' } } }] } };
    assert.equal(podDetail(pod), 'container app waiting: ImagePullBackOff: Back-off pulling image "registry.capstan.test/web:9"');
  });

  it('gives a crashed container its exit code, and an init container comes first', () => {
    const pod: Pod = {
      ...neverReadyPod,
      status: {
        phase: 'Pending',
        initContainerStatuses: [{ name: 'migrate', ready: false, state: { terminated: { reason: 'Error', exitCode: 2 } } }],
        containerStatuses: [{ name: 'app', ready: false, state: { waiting: { reason: 'PodInitializing' } } }],
      },
    };
    assert.equal(podDetail(pod), 'init container migrate terminated: Error (exit code 2)');
  });

  it('says why a pod is not scheduled', () => {
    const pod: Pod = { ...neverReadyPod, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.' }] } };
    assert.equal(podDetail(pod), 'not scheduled: 0/3 nodes are available: 3 Insufficient cpu.');
  });

  it('quotes the Ready condition message of a running container', () => {
    const pod: Pod = { ...neverReadyPod, status: { ...neverReadyPod.status, conditions: [{ type: 'Ready', status: 'False', message: 'containers with unready status: [app]' }] } };
    assert.equal(podDetail(pod), 'container app not ready: containers with unready status: [app]');
  });
});

describe('the cause line', () => {
  it('names the object, what it lacks and the pod that shows why', () => {
    const d = deployment();
    const readiness = readinessOf(d);
    assert.ok(readiness);
    assert.equal(notReadyLine(d, readiness, firstPodProblem([neverReadyPod])),
      'Deployment apps/web-never-ready: 0/1 replicas available (pod web-never-ready-5d9c7b8f4-x2x7q: container app not ready)');
    assert.equal(podSelector(d), 'app.kubernetes.io/instance=web');
  });
});
