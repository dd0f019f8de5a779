// The pure decisions of the apply engine: apply and prune order, in-sync comparison, immutable
// field errors, and which stale objects prune leaves alone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../../../src/kube/errors.ts';
import type { KubeObject } from '../../../../src/kube/resource.ts';
import { apiWords } from '../../../../src/kustomize/apply/errors.ts';
import { isImmutableFieldError } from '../../../../src/kustomize/apply/immutable.ts';
import { inSync } from '../../../../src/kustomize/apply/in-sync.ts';
import { applyRank, pruneOrder } from '../../../../src/kustomize/apply/order.ts';
import { pruneVeto } from '../../../../src/kustomize/apply/ownership.ts';

describe('order', () => {
  it('applies Namespaces, then CRDs, then built-in kinds, custom kinds and webhooks last', () => {
    const kinds = ['ValidatingWebhookConfiguration', 'Widget', 'Deployment', 'ServiceAccount', 'CustomResourceDefinition', 'Namespace'];
    assert.deepEqual([...kinds].sort((a, b) => applyRank(a) - applyRank(b)),
      ['Namespace', 'CustomResourceDefinition', 'ServiceAccount', 'Deployment', 'Widget', 'ValidatingWebhookConfiguration']);
  });

  it('prunes in reverse apply order with CRDs and Namespaces last', () => {
    const kinds = ['Namespace', 'CustomResourceDefinition', 'ConfigMap', 'Deployment', 'Widget', 'Service'];
    assert.deepEqual(pruneOrder(kinds, (k) => k), ['Widget', 'Deployment', 'Service', 'ConfigMap', 'CustomResourceDefinition', 'Namespace']);
  });

  it('keeps the given order among objects of one kind, reversed', () => {
    assert.deepEqual(pruneOrder([{ k: 'ConfigMap', n: 1 }, { k: 'ConfigMap', n: 2 }], (i) => i.k).map((i) => i.n), [2, 1]);
  });
});

describe('inSync', () => {
  const live: KubeObject & Record<string, unknown> = {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: 'settings', namespace: 'apps', uid: 'u1', resourceVersion: '41', creationTimestamp: '2026-01-01T00:00:00Z', labels: { a: '1' } },
    data: { color: 'blue' },
  };

  it('takes the dry run for in sync when only server-set metadata and status differ', () => {
    const dryRun = { ...live, metadata: { ...live.metadata, resourceVersion: '42', generation: 3, managedFields: [{ manager: 'capstan' }] }, status: { x: 1 } };
    assert.equal(inSync(dryRun, live), true);
  });

  it('sees a changed field', () => {
    const red: typeof live = { ...live, data: { color: 'red' } };
    assert.equal(inSync(red, live), false);
  });

  it('sees a changed label', () => {
    assert.equal(inSync({ ...live, metadata: { ...live.metadata, labels: { a: '2' } } }, live), false);
  });
});

describe('isImmutableFieldError', () => {
  const invalid = (message: string) => new ApiError(422, message, 'Invalid');
  const cases: [string, ApiError, boolean][] = [
    ['a Job template', invalid('Job.batch "migrate" is invalid: spec.template: Invalid value: ...: field is immutable'), true],
    ['a Service clusterIP', invalid('Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.0.9"}: may not change once set'), true],
    ['a StatefulSet spec', invalid('StatefulSet.apps "db" is invalid: spec: Forbidden: updates to statefulset spec for fields other than \'replicas\', \'ordinals\', \'template\' are forbidden'), true],
    ['a CEL rule', invalid('Widget.example.com "w" is invalid: spec.size: Invalid value: "string": size is immutable'), true],
    ['an invalid value', invalid('Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0'), false],
    ['a refusal', new ApiError(403, 'forbidden: field is immutable'), false],
  ];
  for (const [what, err, expected] of cases) {
    it(`${expected ? 'recognises' : 'does not take'} ${what}`, () => { assert.equal(isImmutableFieldError(err), expected); });
  }
});

describe('pruneVeto', () => {
  const owner = { name: 'apps', namespace: 'flux' };
  const ours = { 'kustomize.capstan.dev/name': 'apps', 'kustomize.capstan.dev/namespace': 'flux' };
  const object = (labels: Record<string, string>, annotations: Record<string, string> = {}): KubeObject => ({ metadata: { name: 'x', labels, annotations } });
  const cases: [string, KubeObject, RegExp | undefined][] = [
    ['deletes an object this Kustomization applied', object(ours), undefined],
    ['keeps an object annotated prune: disabled', object(ours, { 'kustomize.capstan.dev/prune': 'disabled' }), /prune: disabled/],
    ['keeps an object another Kustomization applied since', object({ ...ours, 'kustomize.capstan.dev/name': 'other' }), /owned by Kustomization flux\/other/],
    ['keeps an object of another namespace\'s Kustomization of the same name', object({ ...ours, 'kustomize.capstan.dev/namespace': 'team' }), /owned by Kustomization team\/apps/],
    ['keeps an object a Helm release manages (label)', object({ ...ours, 'app.kubernetes.io/managed-by': 'Helm' }), /managed by Helm/],
    ['keeps an object a Helm release manages (annotation)', object(ours, { 'meta.helm.sh/release-name': 'web' }), /Helm release web/],
    ['keeps an object without the owner labels', object({}), /not labelled/],
  ];
  for (const [what, o, veto] of cases) {
    it(what, () => {
      const said = pruneVeto(o, owner);
      if (veto === undefined) assert.equal(said, undefined);
      else assert.match(said ?? '', veto);
    });
  }
});

describe('apiWords', () => {
  it('leaves out the object an Invalid value quotes, keeping the field and the rule', () => {
    const quoted = `Job.batch "migrate" is invalid: spec.template: Invalid value: {"labels":{"job-name":"migrate"},"Spec":{"Containers":[{"Name":"m"}]}}: field is immutable`;
    assert.equal(apiWords(new Error(quoted)), 'Job.batch "migrate" is invalid: spec.template: Invalid value: …: field is immutable');
  });

  it('keeps a short value', () => {
    const said = 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0';
    assert.equal(apiWords(new Error(said)), said);
  });
});
