// kstatusOf: the readiness of any object a Kustomization health check looks at, and which of those
// not ready kstatus calls Failed (waiting will not help) rather than InProgress.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kstatusOf, type LiveObject } from '../../../src/kube/readiness.ts';

const object = (apiVersion: string, kind: string, rest: Partial<LiveObject> = {}): LiveObject =>
  ({ apiVersion, kind, ...rest, metadata: { name: 'x', namespace: 'apps', generation: 2, ...rest.metadata } });
const ready = { type: 'Ready', status: 'True', reason: 'Succeeded' };

describe('kstatusOf', () => {
  // The detail when not ready; 'failed' marks kstatus's Failed.
  const cases: [string, LiveObject, string | undefined, 'failed'?][] = [
    ['a ReplicaSet with every replica available', object('apps/v1', 'ReplicaSet', { spec: { replicas: 2 }, status: { observedGeneration: 2, availableReplicas: 2 } }), undefined],
    ['a ReplicaSet short of replicas', object('apps/v1', 'ReplicaSet', { spec: { replicas: 2 }, status: { observedGeneration: 2, availableReplicas: 1 } }), '1/2 replicas available'],
    ['a ClusterIP Service', object('v1', 'Service', { spec: { type: 'ClusterIP' } }), undefined],
    ['a LoadBalancer Service with an ingress', object('v1', 'Service', { spec: { type: 'LoadBalancer' }, status: { loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } } }), undefined],
    ['a LoadBalancer Service without one', object('v1', 'Service', { spec: { type: 'LoadBalancer' }, status: { loadBalancer: {} } }), 'LoadBalancer has no ingress address yet'],
    ['an Established CRD', object('apiextensions.k8s.io/v1', 'CustomResourceDefinition', { status: { conditions: [{ type: 'Established', status: 'True' }] } }), undefined],
    ['a CRD whose names conflict', object('apiextensions.k8s.io/v1', 'CustomResourceDefinition', { status: { conditions: [{ type: 'NamesAccepted', status: 'False', message: '"widgets" is already in use' }] } }),
      'names not accepted: "widgets" is already in use', 'failed'],
    ['a ConfigMap (no status)', object('v1', 'ConfigMap'), undefined],
    ['an object Ready at its generation', object('example.com/v1', 'Widget', { status: { observedGeneration: 2, conditions: [ready] } }), undefined],
    ['an object not Ready (kstatus: InProgress, not Failed)', object('example.com/v1', 'Widget', { status: { observedGeneration: 2, conditions: [{ type: 'Ready', status: 'False', reason: 'Broken', message: 'disk full' }] } }),
      'Ready=False: Broken: disk full'],
    ['an object whose controller has not seen its generation', object('example.com/v1', 'Widget', { status: { observedGeneration: 1, conditions: [ready] } }),
      'generation 2 not yet observed by its controller (observed 1)'],
    ['an object whose Ready condition is about an older generation', object('example.com/v1', 'Widget', { status: { conditions: [{ ...ready, observedGeneration: 1 }] } }),
      'Ready condition is about generation 1, not 2'],
    ['a Stalled object', object('example.com/v1', 'Widget', { status: { conditions: [{ type: 'Stalled', status: 'True', reason: 'Invalid' }] } }), 'stalled: Invalid', 'failed'],
    ['an object Stalled for an older generation', object('example.com/v1', 'Widget', { status: { conditions: [{ type: 'Stalled', status: 'True', reason: 'Invalid', observedGeneration: 1 }] } }),
      'stalled: Invalid'],
    ['a Stalled object its controller has not seen the generation of', object('example.com/v1', 'Widget', { status: { observedGeneration: 1, conditions: [{ type: 'Stalled', status: 'True', reason: 'Invalid' }] } }),
      'generation 2 not yet observed by its controller (observed 1)'],
    ['a HelmRelease out of retries', object('helm.capstan.dev/v1', 'HelmRelease', {
      status: { observedGeneration: 2, conditions: [{ type: 'Stalled', status: 'True', reason: 'RetriesExceeded', message: 'no retries are left', observedGeneration: 2 }, { type: 'Ready', status: 'False', reason: 'RetriesExceeded', observedGeneration: 2 }] },
    }), 'stalled: RetriesExceeded: no retries are left', 'failed'],
    ['a HelmRelease whose upgrade failed, with retries left', object('helm.capstan.dev/v1', 'HelmRelease', {
      status: { observedGeneration: 2, conditions: [{ type: 'Ready', status: 'False', reason: 'UpgradeFailed', message: 'retrying', observedGeneration: 2 }] },
    }), 'Ready=False: UpgradeFailed: retrying'],
    ['a Kustomization in a dependency cycle', object('kustomize.capstan.dev/v1', 'Kustomization', {
      status: { observedGeneration: 2, conditions: [{ type: 'Stalled', status: 'True', reason: 'DependencyCycle', message: 'dependsOn forms a cycle', observedGeneration: 2 }] },
    }), 'stalled: DependencyCycle: dependsOn forms a cycle', 'failed'],
    ['a Reconciling object', object('example.com/v1', 'Widget', { status: { conditions: [{ type: 'Reconciling', status: 'True', reason: 'Progressing' }] } }), 'reconciling: Progressing'],
    ['a HelmRelease its controller has not looked at', object('helm.capstan.dev/v1', 'HelmRelease'), 'no Ready condition yet'],
    ['a HelmRelease Ready at its generation', object('helm.capstan.dev/v1', 'HelmRelease', { status: { observedGeneration: 2, conditions: [{ ...ready, observedGeneration: 2 }] } }), undefined],
    ['a Deployment (as readinessOf)', object('apps/v1', 'Deployment', { spec: { replicas: 1 }, status: { observedGeneration: 2, updatedReplicas: 1, availableReplicas: 0, replicas: 1 } }), '0/1 replicas available'],
    ['a Deployment past its progress deadline', object('apps/v1', 'Deployment', {
      spec: { replicas: 1 },
      status: { observedGeneration: 2, replicas: 1, updatedReplicas: 1, availableReplicas: 0, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] },
    }), '0/1 replicas available, progress deadline exceeded', 'failed'],
    ['a Deployment available but marked past its deadline', object('apps/v1', 'Deployment', {
      spec: { replicas: 1 },
      status: { observedGeneration: 2, replicas: 1, updatedReplicas: 1, availableReplicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] },
    }), 'progress deadline exceeded', 'failed'],
    ['a Deployment past its deadline for the spec before', object('apps/v1', 'Deployment', {
      spec: { replicas: 1 },
      status: { observedGeneration: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] },
    }), 'generation 2 not yet observed by its controller (observed 1)'],
    ['a Job out of retries', object('batch/v1', 'Job', {
      status: { conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] },
    }), 'failed: BackoffLimitExceeded: Job has reached the specified backoff limit', 'failed'],
    ['a Job still running', object('batch/v1', 'Job', { status: { active: 1 } }), '0/1 completions succeeded (1 active)'],
  ];
  for (const [what, o, detail, failed] of cases) {
    it(`${detail === undefined ? 'finds ready' : `says why it is not ready${failed ? ' and that it failed' : ''}`}: ${what}`, () => {
      assert.deepEqual(kstatusOf(o), detail === undefined ? { ready: true, detail: 'ready' } : { ready: false, detail, ...(failed ? { failed: true } : {}) });
    });
  }
});
