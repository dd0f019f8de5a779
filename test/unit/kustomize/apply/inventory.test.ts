import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { idOf, identityOf, inventoryOf, parseId, staleEntries } from '../../../../src/kustomize/apply/inventory.ts';
import type { KubeObject } from '../../../../src/kube/resource.ts';

const obj = (apiVersion: string, kind: string, name: string, namespace?: string): KubeObject =>
  ({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } });

describe('inventory ids', () => {
  const cases: [string, KubeObject, string][] = [
    ['a namespaced object of a named group', obj('apps/v1', 'Deployment', 'web', 'apps'), 'apps_web_apps_Deployment'],
    ['a core object', obj('v1', 'ConfigMap', 'settings', 'apps'), 'apps_settings__ConfigMap'],
    ['a cluster-scoped object', obj('v1', 'Namespace', 'apps'), '_apps__Namespace'],
    ['an RBAC name with colons', obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'system:web:reader'), '_system__web__reader_rbac.authorization.k8s.io_ClusterRole'],
  ];
  for (const [what, o, id] of cases) {
    it(`are Flux's <namespace>_<name>_<group>_<kind> for ${what}, and parse back`, () => {
      assert.equal(idOf(identityOf(o)), id);
      assert.deepEqual(parseId(id), identityOf(o));
    });
  }

  it('refuses an id that is not four fields', () => {
    assert.throws(() => parseId('web_Deployment'), /not <namespace>_<name>_<group>_<kind>/);
  });
});

describe('inventoryOf', () => {
  const set = [
    obj('apps/v1', 'Deployment', 'web', 'apps'),
    obj('example.com/v1', 'Widget', 'w', 'apps'),
    obj('v1', 'Service', 'web', 'apps'),
    obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com'),
    obj('v1', 'Namespace', 'apps'),
    obj('v1', 'ConfigMap', 'b', 'apps'),
    obj('v1', 'ConfigMap', 'a', 'apps'),
  ];

  it('lists the objects in apply order, then by id, with the version apart', () => {
    assert.deepEqual(inventoryOf(set), [
      { id: '_apps__Namespace', v: 'v1' },
      { id: '_widgets.example.com_apiextensions.k8s.io_CustomResourceDefinition', v: 'v1' },
      { id: 'apps_a__ConfigMap', v: 'v1' },
      { id: 'apps_b__ConfigMap', v: 'v1' },
      { id: 'apps_web__Service', v: 'v1' },
      { id: 'apps_web_apps_Deployment', v: 'v1' },
      { id: 'apps_w_example.com_Widget', v: 'v1' },
    ]);
  });

  it('gives the same list whatever the order of the source', () => {
    assert.deepEqual(inventoryOf([...set].reverse()), inventoryOf(set));
  });

  it('lists an object given twice once', () => {
    assert.equal(inventoryOf([set[0] as KubeObject, set[0] as KubeObject]).length, 1);
  });
});

describe('staleEntries', () => {
  it('keeps the previous entries whose object left the source, in their order', () => {
    const previous = [{ id: '_apps__Namespace', v: 'v1' }, { id: 'apps_a__ConfigMap', v: 'v1' }, { id: 'apps_web_apps_Deployment', v: 'v1' }];
    const current = [{ id: '_apps__Namespace', v: 'v1' }];
    assert.deepEqual(staleEntries(previous, current), previous.slice(1));
  });

  it('does not take a new apiVersion of the same object for a removal', () => {
    assert.deepEqual(staleEntries([{ id: 'apps_hpa_autoscaling_HorizontalPodAutoscaler', v: 'v1' }], [{ id: 'apps_hpa_autoscaling_HorizontalPodAutoscaler', v: 'v2' }]), []);
  });
});
