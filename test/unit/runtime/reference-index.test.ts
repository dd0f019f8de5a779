import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReferenceIndex } from '../../../src/runtime/reference-index.ts';

describe('ReferenceIndex', () => {
  it('finds the owners of a reference, and forgets references an owner dropped', () => {
    const index = new ReferenceIndex();
    index.set('ns/web', ['ConfigMap/ns/a', 'Secret/ns/b']);
    index.set('ns/api', ['ConfigMap/ns/a']);
    assert.deepEqual(index.ownersOf('ConfigMap/ns/a').sort(), ['ns/api', 'ns/web']);
    index.set('ns/web', ['Secret/ns/b']);
    assert.deepEqual(index.ownersOf('ConfigMap/ns/a'), ['ns/api']);
    index.delete('ns/api');
    assert.deepEqual(index.ownersOf('ConfigMap/ns/a'), []);
    assert.deepEqual(index.ownersOf('Secret/ns/b'), ['ns/web']);
  });
});
