// driftedFields(): the fields an apply owns, compared between the dry-run result and the live object.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { driftedFields, type FieldSet } from '../../../../src/helmrelease/drift/managed-fields.ts';
import type { Json } from '../../../../src/helmrelease/drift/pointer.ts';

// As the API server records an apply of the app fixture's Deployment.
const fields: FieldSet = {
  'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/name': {}, 'f:helm.sh/chart': {} } },
  'f:spec': {
    'f:replicas': {},
    'f:selector': {},
    'f:template': {
      'f:spec': {
        'f:containers': {
          'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":8080,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } },
        },
      },
    },
  },
};

const deployment = (changes: (d: Record<string, Json>) => void = () => undefined): Json => {
  const d: Record<string, Json> = {
    metadata: { name: 'a', labels: { 'app.kubernetes.io/name': 'app', 'helm.sh/chart': 'app-1.0.0' }, annotations: { 'deployment.kubernetes.io/revision': '1' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'a' } },
      revisionHistoryLimit: 10,
      template: { spec: { containers: [{ name: 'app', image: 'app:1', imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 8080, protocol: 'TCP' }] }] } },
    },
    status: { readyReplicas: 0 },
  };
  changes(d);
  return d;
};
type Obj = Record<string, Json>;
const spec = (d: Obj) => d.spec as Obj;
const containers = (d: Obj) => ((spec(d).template as Obj).spec as Obj).containers as Obj[];

describe('driftedFields', () => {
  const cases: [string, (d: Obj) => void, string[]][] = [
    ['finds nothing when the live object is the dry run', () => undefined, []],
    ['ignores status, defaulted and other managers\' fields', (d) => {
      d.status = { readyReplicas: 3 };
      spec(d).revisionHistoryLimit = 5;
      (d.metadata as Obj).annotations = { other: 'x' };
      containers(d)[0] = { ...containers(d)[0], imagePullPolicy: 'Always', env: [{ name: 'X', value: '1' }] };
    }, []],
    ['names a scaled Deployment\'s replicas', (d) => { spec(d).replicas = 3; }, ['/spec/replicas']],
    ['names a removed label, escaping / in its key', (d) => { delete ((d.metadata as Obj).labels as Obj)['helm.sh/chart']; }, ['/metadata/labels/helm.sh~1chart']],
    ['matches list items by key, whatever their order', (d) => {
      containers(d).unshift({ name: 'sidecar', image: 'proxy:1' });
    }, []],
    ['names a changed field of a keyed list item at its index in the dry run', (d) => { containers(d)[0] = { ...containers(d)[0], image: 'app:2' }; }, ['/spec/template/spec/containers/0/image']],
    ['names a missing keyed list item', (d) => { containers(d).splice(0, 1); }, ['/spec/template/spec/containers/0']],
    ['compares an atomic field as a whole', (d) => { spec(d).selector = { matchLabels: { app: 'a', extra: 'y' } }; }, ['/spec/selector']],
  ];
  for (const [name, change, expected] of cases) {
    it(name, () => {
      assert.deepEqual(driftedFields(fields, deployment(), deployment(change)), expected);
    });
  }

  it('names an item of a set list that is missing', () => {
    const set: FieldSet = { 'f:metadata': { 'f:finalizers': { 'v:"a"': {}, 'v:"b"': {} } } };
    assert.deepEqual(driftedFields(set, { metadata: { finalizers: ['a', 'b'] } }, { metadata: { finalizers: ['a', 'c'] } }), ['/metadata/finalizers/1']);
  });
});
