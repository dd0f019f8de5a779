// The values file handed to helm: exact text for the shapes that matter, and a round trip through
// helm's reading rules (readValuesDocument) for strings and numbers that YAML 1.1 would retype.
// test/integration/helmrelease/values-differential.test.ts checks the same against the real helm.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readValuesDocument } from '../../../../src/helmrelease/values/read-yaml.ts';
import { formatNumber, quote, serialiseValues } from '../../../../src/helmrelease/values/serialise.ts';
import type { ValuesMap } from '../../../../src/helmrelease/values/value.ts';

describe('serialiseValues', () => {
  it('writes no values as {}', () => {
    assert.equal(serialiseValues({}), '{}\n');
  });

  it('writes block YAML with every key and string quoted, keys sorted', () => {
    const values: ValuesMap = { b: [1, 'x', { k: null }, [], {}, [true]], a: { y: 'yes', e: {} } };
    assert.equal(
      serialiseValues(values),
      ['"a":', '  "e": {}', '  "y": "yes"', '"b":', '  - 1', '  - "x"', '  -', '    "k": null', '  - []', '  - {}', '  -', '    - true', ''].join('\n'),
    );
  });

  it('uses an explicit key for a key longer than YAML allows implicitly', () => {
    const key = 'k'.repeat(1200);
    assert.equal(serialiseValues({ [key]: { a: 1 } }), `? "${key}"\n:\n  "a": 1\n`);
    assert.deepEqual(readValuesDocument(serialiseValues({ [key]: { a: 1 } })), { [key]: { a: 1 } });
  });

  const strings = [
    '', ' ', 'yes', 'no', 'on', 'y', 'n', '~', 'null', 'true', '0x1F', '017', '1_000', '1e3', '.5', '-0', '2001-12-14', '<<', '*ref', '&a', '!tag',
    '# comment', 'a: b', '- item', '"quoted"', "'single'", 'back\\slash', 'two\nlines\n', ' lead and trail ', '\ttab', 'cr\r\nlf',
    '\x00\x01\x1b\x7f', '\x85', '\u2028\u2029', '\ufeff', '\ufffe\uffff', 'é日本😀', '%percent', '{flow}', '[flow]', '|', '>',
  ];
  for (const text of strings) {
    it(`round-trips the string ${JSON.stringify(text)}`, () => {
      assert.deepEqual(readValuesDocument(serialiseValues({ [text]: text })), { [text]: text });
    });
  }

  it('writes a lone surrogate as U+FFFD, as Node writes it to a file', () => {
    assert.equal(quote('a\ud800b'), '"a\\uFFFDb"');
  });

  const numbers = [0, 1, -1, 0.5, -2.5e-7, 1e6, 1e20, 1e21, 123456789.125, 2 ** 53 + 2, 12345678901234567000, -9223372036854776000, 1.7976931348623157e308, 5e-324];
  for (const n of numbers) {
    it(`round-trips the number ${String(n)}`, () => {
      assert.deepEqual(readValuesDocument(serialiseValues({ n })), { n });
    });
  }

  it('keeps -0 a float, which an integer "-0" would not be', () => {
    assert.equal(formatNumber(-0), '-0.0');
    assert.ok(Object.is(readValuesDocument(serialiseValues({ n: -0 })).n, -0));
  });
});
