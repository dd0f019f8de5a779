// targetNamespace and commonMetadata: namespaced objects only, commonMetadata wins, inputs untouched.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyTransforms, isClusterScoped } from '../../../src/kustomize/build/transform.ts';
import type { KubeObject } from '../../../src/kube/resource.ts';

const obj = (apiVersion: string, kind: string, name: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({ apiVersion, kind, metadata: { name, ...extra } });

const crd = (group: string, kind: string, scope: string) => ({
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `x.${group}` },
  spec: { group, names: { kind }, scope },
});

describe('isClusterScoped', () => {
  const rows: [KubeObject, boolean][] = [
    [obj('v1', 'Namespace', 'n'), true],
    [obj('v1', 'ConfigMap', 'c'), false],
    [obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'r'), true],
    [obj('rbac.authorization.k8s.io/v1', 'Role', 'r'), false],
    [obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'c'), true],
    [obj('storage.k8s.io/v1', 'StorageClass', 's'), true],
    [obj('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'm'), true],
    [obj('apiregistration.k8s.io/v1', 'APIService', 'a'), true],
    [obj('example.com/v1', 'Namespace', 'not-core'), false],
    [obj('example.com/v1', 'Widget', 'unknown'), false],
  ];
  for (const [object, expected] of rows) {
    it(`${object.apiVersion ?? ''} ${object.kind ?? ''}: ${String(expected)}`, () => {
      assert.equal(isClusterScoped(object, new Map()), expected);
    });
  }
});

describe('applyTransforms', () => {
  it('sets targetNamespace on namespaced objects, custom kinds by the scope of a CRD in the same build', () => {
    const objects = [
      obj('v1', 'Namespace', 'apps'),
      obj('apps/v1', 'Deployment', 'web', { namespace: 'elsewhere' }),
      crd('example.com', 'Cluster', 'Cluster') as KubeObject,
      obj('example.com/v1', 'Cluster', 'c1'),
      crd('example.com', 'Widget', 'Namespaced') as KubeObject,
      obj('example.com/v1', 'Widget', 'w1'),
    ];
    const out = applyTransforms(objects, { targetNamespace: 'team' });
    assert.deepEqual(out.map((o) => o.metadata.namespace), [undefined, 'team', undefined, undefined, undefined, 'team']);
    assert.equal(objects[1]?.metadata.namespace, 'elsewhere', 'the input is not changed');
  });

  it('merges commonMetadata into every object, winning over the object\'s own values', () => {
    const objects = [obj('v1', 'ConfigMap', 'c', { labels: { app: 'mine', keep: 'yes' }, annotations: { a: '1' } }), obj('v1', 'Namespace', 'n')];
    const out = applyTransforms(objects, { commonMetadata: { labels: { app: 'common', team: 'x' }, annotations: { b: '2' } } });
    assert.deepEqual(out[0]?.metadata.labels, { app: 'common', keep: 'yes', team: 'x' });
    assert.deepEqual(out[0].metadata.annotations, { a: '1', b: '2' });
    assert.deepEqual(out[1]?.metadata.labels, { app: 'common', team: 'x' });
    assert.deepEqual(objects[0]?.metadata.labels, { app: 'mine', keep: 'yes' });
  });

  it('returns the objects as they are without transforms', () => {
    const objects = [obj('v1', 'ConfigMap', 'c')];
    assert.equal(applyTransforms(objects, {}), objects);
  });
});
