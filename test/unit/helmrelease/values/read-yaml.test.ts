// A values document means what it means to helm (go-yaml v2 through sigs.k8s.io/yaml), not what
// it means to a YAML 1.2 reader. Every expectation is what helm 3.17 and helm 4.1 render with
// toJson .Values for the same file.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readValuesDocument } from '../../../../src/helmrelease/values/read-yaml.ts';
import { YamlReadError } from '../../../../src/helmrelease/values/yaml-error.ts';
import type { Value } from '../../../../src/helmrelease/values/value.ts';

function scalarTable(rows: [string, Value][]): void {
  for (const [text, expected] of rows) {
    it(`reads a: ${text} as ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(readValuesDocument(`a: ${text}\n`), { a: expected });
    });
  }
}

describe('readValuesDocument: YAML 1.1 scalars', () => {
  scalarTable([
    ['yes', true], ['Yes', true], ['on', true], ['ON', true], ['y', true], ['True', true],
    ['no', false], ['off', false], ['N', false], ['FALSE', false],
    ['tRUE', 'tRUE'], ['yES', 'yES'],
    ['~', null], ['null', null], ['Null', null], ['NULL', null], ['', null],
    ['0x1F', 31], ['0X1F', 31], ['0x_1F', 31], ['-0x1F', -31], ['017', 15], ['0o17', 15], ['0b101', 5], ['-0b101', -5],
    ['1_000', 1000], ['1__0', 10], ['+5', 5], ['-0', 0], ['08', 8],
    ['.5', 0.5], ['+.5', 0.5], ['1.', 1], ['1e3', 1000], ['0.1e-2', 0.001], ['.5_0', 0.5], ['.5e1_0', 5e9], ['1_000.5', 1000.5],
    ['._5', '._5'], ['1e400', '1e400'], ['1:20', '1:20'],
    ['12345678901234567891', 12345678901234567000], ['9007199254740993', 9007199254740992],
    ['-9223372036854775809', -9223372036854776000], ['0xFFFFFFFFFFFFFFFF', 18446744073709552000],
    ['0x1FFFFFFFFFFFFFFFF', '0x1FFFFFFFFFFFFFFFF'],
    ['2001-12-14', '2001-12-14'], ['2001-13-45', '2001-13-45'], ['2001-12-14t21:59:43.10-05:00', '2001-12-14t21:59:43.10-05:00'],
    ["'yes'", 'yes'], ['"0x1F"', '0x1F'], ['"~"', '~'], ["''", ''],
    ['!!str 5', '5'], ['!!int "5"', 5], ['!!float 1', 1], ['!!bool "yes"', true], ['!foo bar', 'bar'], ['!!binary aGVsbG8=', 'hello'],
    ['!!binary /w==', '\ufffd'],
    ['"\\U0001F600"', '😀'], ['"\\x7f"', '\x7f'],
    ['|\n  two\n  lines', 'two\nlines\n'], ['>-\n  folded\n  text', 'folded text'],
  ]);

  it('keeps the sign of a negative zero float', () => {
    assert.ok(Object.is(readValuesDocument('a: -0.0').a, -0));
  });
});

describe('readValuesDocument: keys', () => {
  it('turns YAML 1.1 boolean keys into "true" and "false" (y, n, yes, on…)', () => {
    assert.deepEqual(readValuesDocument('y: 1\nn: 2\nyes: 3\noff: 4\n"y": 5\n'), { true: 3, false: 4, y: 5 });
  });

  it('writes number keys as Go does: ints in decimal, floats as float32 %g', () => {
    assert.deepEqual(readValuesDocument('1: a\n0x10: b\n1.5: c\n1e10: d\n100000000.5: e\n18446744073709551616: f\n.inf: g\n'), {
      1: 'a', 16: 'b', '1.5': 'c', '1e+10': 'd', '1e+08': 'e', '1.8446744e+19': 'f', '.inf': 'g',
    });
  });

  it('keeps a key named __proto__ as an ordinary key', () => {
    const doc = readValuesDocument('__proto__: {polluted: true}\n');
    assert.deepEqual(Object.keys(doc), ['__proto__']);
    assert.equal(Object.getPrototypeOf(doc), Object.prototype);
  });

  it('lets the last of duplicate keys win', () => {
    assert.deepEqual(readValuesDocument('a: 1\na: 2\n'), { a: 2 });
  });

  for (const [text, why] of [
    ['~: 1', /a map key is null/],
    ['18446744073709551615: x', /unsigned integer beyond int64/],
    ['? [1]\n: x', /invalid map key/],
  ] as const) {
    it(`refuses ${JSON.stringify(text)} as helm does`, () => {
      assert.throws(() => readValuesDocument(text), (err: unknown) => err instanceof YamlReadError && why.test(err.message));
    });
  }
});

describe('readValuesDocument: anchors and merge keys', () => {
  it('applies a merge key where it stands: it overrides keys before it, keys after it override it', () => {
    assert.deepEqual(readValuesDocument('base: &b {x: 1, z: 2}\nm:\n  x: 0\n  <<: *b\n  z: 9\n'), { base: { x: 1, z: 2 }, m: { x: 1, z: 9 } });
  });

  it('lets the earlier map of a merge list win', () => {
    assert.deepEqual(readValuesDocument('m:\n  <<: [{x: 1}, {x: 2, w: 3}]\n  v: 1\n'), { m: { x: 1, w: 3, v: 1 } });
  });

  it('treats a quoted "<<" as an ordinary key', () => {
    assert.deepEqual(readValuesDocument('"<<": {x: 1}\n'), { '<<': { x: 1 } });
  });

  it('gives every alias its own copy', () => {
    const doc = readValuesDocument('a: &x {k: [1]}\nb: *x\n');
    assert.notEqual(doc.a, doc.b);
    assert.deepEqual(doc.a, doc.b);
  });
});

describe('readValuesDocument: documents', () => {
  for (const text of ['', '~', 'null', '---\n', '# only a comment\n', '---\na: 1\n---\n']) {
    it(`reads ${JSON.stringify(text)} as ${text.includes('a: 1') ? '{a: 1}' : 'no values'}`, () => {
      assert.deepEqual(readValuesDocument(text), text.includes('a: 1') ? { a: 1 } : {});
    });
  }

  for (const [text, why] of [
    ['- 1', /it holds a list, not a map of values/],
    ['hello', /it holds a string, not a map of values/],
    ['""', /it holds a string/],
    ['a: .nan', /NaN/],
    ['a: [.inf]', /infinite/],
    ['a: 1\n---\nb: 2', /2 YAML documents/],
    ['a: [1,', /at line 1, column 7/],
    ['a: !!int x', /cannot decode !!str `x` as a !!int/],
    ['a: *nowhere', /unknown anchor/],
    ['a: &x [*x]', /unknown anchor/],
    ['a: !!binary "not base64!"', /invalid base64/],
    ['a: "x\\/y"', /unknown escape character \\\//],
  ] as const) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      assert.throws(() => readValuesDocument(text), (err: unknown) => err instanceof YamlReadError && why.test(err.message));
    });
  }

  it('reads a %YAML 1.1 document and local tags from a %TAG directive, as helm 3 does', () => {
    assert.deepEqual(readValuesDocument('%YAML 1.1\n---\na: 1\n'), { a: 1 });
    assert.deepEqual(readValuesDocument('%TAG !e! tag:example.com,2000:\n---\na: !e!foo 1\n'), { a: '1' });
  });

  it('refuses a document that declares another YAML version', () => {
    assert.throws(() => readValuesDocument('%YAML 1.2\n---\na: 1\n'), (err: unknown) => err instanceof YamlReadError && /%YAML 1\.2/.test(err.message));
  });

  it('says where a syntax error is without quoting the text, for Secrets', () => {
    try {
      readValuesDocument('password: "s3cr3t\nx: [');
      assert.fail('expected an error');
    } catch (err) {
      assert.ok(err instanceof YamlReadError);
      assert.equal(typeof err.line, 'number');
      assert.ok(!err.redacted.includes('s3cr3t'));
    }
  });
});
