import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergePatch } from '../../../src/kube/merge-patch.ts';

describe('mergePatch', () => {
  it('is undefined when nothing changed, whatever the key order', () => {
    assert.equal(mergePatch({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }), undefined);
  });

  it('holds only changed keys, and null for removed ones', () => {
    assert.deepEqual(mergePatch({ a: 1, b: { c: 1, d: 2 }, gone: true }, { a: 1, b: { c: 1, d: 3 } }), { b: { d: 3 }, gone: null });
  });

  it('replaces arrays whole', () => {
    assert.deepEqual(mergePatch({ list: [1, 2] }, { list: [1] }), { list: [1] });
  });
});
