import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { droppedFields } from '../../../../src/kustomize/apply/dropped-fields.ts';
import type { KubeObject } from '../../../../src/kube/resource.ts';

const widget = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: 'x.capstan.test/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'apps' }, spec, ...extra }) as KubeObject;

describe('droppedFields', () => {
  it('names the fields an old schema pruned, however deep', () => {
    const desired = widget({ size: 3, color: 'blue', style: { border: { width: 1 } } });
    const result = widget({ size: 3, style: { border: {} } });
    assert.deepEqual(droppedFields(desired, result), ['/spec/color', '/spec/style/border/width']);
  });

  it('finds nothing dropped when the server kept every field and added defaults', () => {
    const desired = widget({ size: 3 });
    const result = widget({ size: 3, replicas: 1 }, { metadata: { name: 'w', namespace: 'apps', uid: 'u', resourceVersion: '9', labels: {} } });
    assert.deepEqual(droppedFields(desired, result), []);
  });

  it('does not look at status, inside lists, or at fields set to null (they remove)', () => {
    const desired = widget({ ports: [{ port: 80, extra: true }], legacy: null }, { status: { phase: 'Ready' } });
    const result = widget({ ports: [{ port: 80 }] });
    assert.deepEqual(droppedFields(desired, result), []);
  });

  it('escapes keys as JSON pointers do', () => {
    const desired = widget({ 'a/b': 1, 'c~d': 2 });
    assert.deepEqual(droppedFields(desired, widget({})), ['/spec/a~1b', '/spec/c~0d']);
  });
});
