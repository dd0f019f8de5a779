// The object drift detection applies: helm's ownership metadata, the namespace, ignored fields kept.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appliedObject, correctionObject } from '../../../../src/helmrelease/drift/applied-object.ts';
import { compareObject } from '../../../../src/helmrelease/drift/compare.ts';
import type { FieldSet } from '../../../../src/helmrelease/drift/managed-fields.ts';
import type { Json } from '../../../../src/helmrelease/drift/pointer.ts';
import type { ManifestObject } from '../../../../src/helmrelease/drift/release-manifest.ts';

const release = { name: 'web', namespace: 'team' };
const object: ManifestObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { app: 'web' } }, spec: { replicas: 1, paused: false } };

describe('appliedObject', () => {
  it('adds the label and annotations helm adds at apply time, and the namespace', () => {
    const applied = appliedObject(object, release, 'team');
    assert.deepEqual(applied.metadata, {
      name: 'web', namespace: 'team',
      labels: { app: 'web', 'app.kubernetes.io/managed-by': 'Helm' },
      annotations: { 'meta.helm.sh/release-name': 'web', 'meta.helm.sh/release-namespace': 'team' },
    });
    assert.equal(object.metadata.namespace, undefined, 'the cached manifest object is not changed');
  });
  it('leaves the namespace out of a cluster-scoped object', () => {
    const applied = appliedObject({ ...object, metadata: { name: 'c', namespace: 'x' } }, release, undefined);
    assert.equal(Object.hasOwn(applied.metadata as object, 'namespace'), false);
  });
});

describe('correctionObject', () => {
  it('keeps ignored fields at their live values, and drops those absent live', () => {
    const applied = appliedObject(object, release, 'team');
    const live = { metadata: { name: 'web' }, spec: { replicas: 5 } };
    const corrected = correctionObject(applied, live, ['/spec/replicas', '/spec/paused']);
    assert.deepEqual(corrected.spec, { replicas: 5 });
    assert.deepEqual(applied.spec, { replicas: 1, paused: false }, 'the applied object is not changed');
  });
});

describe('compareObject', () => {
  const dryRun = {
    metadata: { name: 'web', managedFields: [{ manager: 'capstan-drift', operation: 'Apply', fieldsV1: { 'f:spec': { 'f:replicas': {}, 'f:paused': {} } } }] },
    spec: { replicas: 1, paused: false },
  };
  it('leaves ignored fields out of the comparison', () => {
    const live = { metadata: { name: 'web' }, spec: { replicas: 5, paused: true } };
    assert.deepEqual(compareObject(dryRun, live, 'capstan-drift', []), ['/spec/replicas', '/spec/paused']);
    assert.deepEqual(compareObject(dryRun, live, 'capstan-drift', ['/spec/replicas']), ['/spec/paused']);
  });
  it('fails loudly when the dry run recorded no fields for the manager', () => {
    assert.throws(() => compareObject(dryRun, dryRun, 'someone-else', []), /no entry of field manager someone-else/);
  });
  it('compares a Secret\'s stringData keys under data, where the API server keeps them', () => {
    const secret = (data: Record<string, string>, fieldsV1?: FieldSet): Json => ({
      apiVersion: 'v1', kind: 'Secret', data,
      metadata: { name: 's', ...(fieldsV1 ? { managedFields: [{ manager: 'capstan-drift', operation: 'Apply', fieldsV1 }] } : {}) },
    });
    const dry = secret({ a: 'Yg==', other: 'eA==' }, { 'f:stringData': { 'f:a': {} } });
    assert.deepEqual(compareObject(dry, secret({ a: 'Yw==', other: 'eQ==' }), 'capstan-drift', []), ['/data/a']);
  });
});
