import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, valuesDigest } from '../../../../src/helmrelease/values/digest.ts';
import type { ValuesMap } from '../../../../src/helmrelease/values/value.ts';

describe('valuesDigest', () => {
  it('is sha256 over canonical JSON', () => {
    assert.equal(canonicalJson({ b: [1, { d: null, c: 'x' }], a: true }), '{"a":true,"b":[1,{"c":"x","d":null}]}');
    assert.equal(valuesDigest({}), 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  });

  it('does not depend on key order, at any depth', () => {
    assert.equal(valuesDigest({ a: 1, b: { x: 1, y: [{ p: 1, q: 2 }] } }), valuesDigest({ b: { y: [{ q: 2, p: 1 }], x: 1 }, a: 1 }));
  });

  it('changes with any value, with list order, and with a null', () => {
    const base = valuesDigest({ a: [1, 2] });
    const others: ValuesMap[] = [{ a: [2, 1] }, { a: [1, 2], b: null }, { a: [1, '2'] }, { a: [1, 2.5] }];
    for (const other of others) {
      assert.notEqual(valuesDigest(other), base, JSON.stringify(other));
    }
  });

  it('tells -0 from 0, which helm renders differently', () => {
    assert.notEqual(valuesDigest({ a: -0 }), valuesDigest({ a: 0 }));
  });
});
