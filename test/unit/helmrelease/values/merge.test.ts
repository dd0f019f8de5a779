// Helm's merge of values files (`-f a -f b`), one rule per row: [a, b, merged].
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeValues } from '../../../../src/helmrelease/values/merge.ts';
import type { ValuesMap } from '../../../../src/helmrelease/values/value.ts';

const rows: [string, ValuesMap, ValuesMap, ValuesMap][] = [
  ['adds keys from both', { a: 1 }, { b: 2 }, { a: 1, b: 2 }],
  ['lets the later scalar win', { a: 1 }, { a: 2 }, { a: 2 }],
  ['merges nested maps key by key', { a: { x: 1, y: { p: 1 } } }, { a: { y: { q: 2 }, z: 3 } }, { a: { x: 1, y: { p: 1, q: 2 }, z: 3 } }],
  ['replaces a list whole, never merges it', { l: [1, 2, 3] }, { l: [9] }, { l: [9] }],
  ['replaces a list of maps whole', { l: [{ a: 1 }] }, { l: [{ b: 2 }] }, { l: [{ b: 2 }] }],
  ['keeps a later null, which removes the chart default at install', { a: { x: 1 }, b: 2 }, { a: null, b: null }, { a: null, b: null }],
  ['keeps a null nested in a map', { a: { x: 1, y: 2 } }, { a: { x: null } }, { a: { x: null, y: 2 } }],
  ['lets a map replace a scalar', { a: 'text' }, { a: { x: 1 } }, { a: { x: 1 } }],
  ['lets a scalar replace a map', { a: { x: 1 } }, { a: 'text' }, { a: 'text' }],
  ['lets a map replace a null', { a: null }, { a: { x: 1 } }, { a: { x: 1 } }],
  ['leaves a map alone under an empty map', { a: { x: 1 } }, { a: {} }, { a: { x: 1 } }],
  ['lets an empty list replace a list', { a: [1] }, { a: [] }, { a: [] }],
];

describe('mergeValues', () => {
  for (const [name, a, b, merged] of rows) {
    it(name, () => {
      assert.deepEqual(mergeValues(a, b), merged);
    });
  }

  it('changes neither input', () => {
    const a = { m: { x: 1 } };
    const b = { m: { y: 2 } };
    mergeValues(a, b);
    assert.deepEqual([a, b], [{ m: { x: 1 } }, { m: { y: 2 } }]);
  });

  it('does not fall for a __proto__ key', () => {
    const over = JSON.parse('{"__proto__": {"polluted": true}}') as ValuesMap;
    const merged = mergeValues({}, over);
    assert.deepEqual(Object.keys(merged), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
