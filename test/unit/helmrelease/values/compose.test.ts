// composeValues: DESIGN §3's order (documents in valuesFrom order, then inline values, then the
// targetPath entries), Helm's merge, and a ValuesError that names the source for every bad input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { composeValues, type ResolvedSource } from '../../../../src/helmrelease/values/compose.ts';
import { TargetPathError, ValuesDocumentError, ValuesError, ValuesSourceNotFoundError } from '../../../../src/helmrelease/values/errors.ts';
import type { ValuesMap } from '../../../../src/helmrelease/values/value.ts';

function cm(name: string, content: string | undefined, extra: Partial<ResolvedSource> = {}): ResolvedSource {
  return { kind: 'ConfigMap', namespace: 'team', name, valuesKey: 'values.yaml', content, optional: false, ...extra };
}

function secret(name: string, content: string | undefined, extra: Partial<ResolvedSource> = {}): ResolvedSource {
  return { ...cm(name, content, extra), kind: 'Secret' };
}

function compose(sources: ResolvedSource[], inline?: unknown): ValuesMap {
  return composeValues(sources, inline).values;
}

describe('composeValues: order', () => {
  const rows: [string, ResolvedSource[], unknown, ValuesMap][] = [
    ['starts from no values', [], undefined, {}],
    ['merges documents in valuesFrom order', [cm('a', 'x: 1\nm: {p: 1}'), cm('b', 'x: 2\nm: {q: 2}')], undefined, { x: 2, m: { p: 1, q: 2 } }],
    ['merges inline values over every document', [cm('a', 'x: 1\nm: {p: 1}')], { x: 9, m: { q: 2 } }, { x: 9, m: { p: 1, q: 2 } }],
    ['reads documents as helm does: the key y is the boolean true', [cm('a', 'y: 1')], { y: 2 }, { true: 1, y: 2 }],
    ['keeps a null from a later document, so that helm drops the chart default', [cm('a', 'x: {p: 1}'), cm('b', 'x: null')], undefined, { x: null }],
    ['keeps a null from inline values', [cm('a', 'x: 1')], { x: null }, { x: null }],
    ['replaces lists whole', [cm('a', 'l: [1, 2, 3]')], { l: [4] }, { l: [4] }],
    ['sets a targetPath entry at its path', [cm('a', 'db: {host: h}'), cm('pw', 'hunter2', { targetPath: 'db.password' })], undefined, { db: { host: 'h', password: 'hunter2' } }],
    ['lets a targetPath entry win over inline values', [cm('port', '5432', { targetPath: 'db.port' })], { db: { port: 1, host: 'h' } }, { db: { port: 5432, host: 'h' } }],
    ['lets a targetPath entry win over a document listed after it, as --set wins over every -f', [cm('v', '1', { targetPath: 'x' }), cm('a', 'x: 2')], undefined, { x: 1 }],
    ['applies targetPath entries in valuesFrom order', [cm('one', 'first', { targetPath: 'x' }), cm('two', 'second', { targetPath: 'x' })], undefined, { x: 'second' }],
    ['types a targetPath value like --set', [cm('n', '3', { targetPath: 'n' }), cm('b', 'true', { targetPath: 'b' }), cm('s', '007', { targetPath: 's' })], undefined, { n: 3, b: true, s: '007' }],
    ['sets a quoted targetPath value as a string', [cm('n', '"3"', { targetPath: 'n' })], undefined, { n: '3' }],
    ['sets a literal targetPath value as it is', [cm('l', 'a,b={c}', { targetPath: 'l', literal: true })], undefined, { l: 'a,b={c}' }],
    ['takes a null targetPath value as null', [cm('a', 'x: {p: 1}'), cm('n', 'null', { targetPath: 'x' })], undefined, { x: null }],
    ['puts a targetPath entry into a list from a document', [cm('a', 'l: [a, b]'), cm('i', 'z', { targetPath: 'l[3]' })], undefined, { l: ['a', 'b', null, 'z'] }],
    ['treats an empty targetPath as none', [cm('a', 'x: 1', { targetPath: '' })], undefined, { x: 1 }],
  ];
  for (const [name, sources, inline, expected] of rows) {
    it(name, () => {
      assert.deepEqual(compose(sources, inline), expected);
    });
  }

  it('changes neither the inline values nor anything it returned before', () => {
    const inline = { db: { port: 1 } };
    const first = compose([cm('p', '2', { targetPath: 'db.port' })], inline);
    compose([cm('p', '3', { targetPath: 'db.port' })], inline);
    assert.deepEqual(inline, { db: { port: 1 } });
    assert.deepEqual(first, { db: { port: 2 } });
  });
});

describe('composeValues: missing sources', () => {
  it('leaves out a missing optional source and lists it as skipped', () => {
    const result = composeValues([cm('a', 'x: 1'), cm('gone', undefined, { optional: true }), secret('s', undefined, { optional: true, targetPath: 'p' })]);
    assert.deepEqual(result, { values: { x: 1 }, skipped: ['ConfigMap team/gone key values.yaml', 'Secret team/s key values.yaml'] });
  });

  const rows: [string, ResolvedSource, RegExp][] = [
    ['a missing object', cm('gone', undefined, { missing: 'object' }), /^ConfigMap team\/gone not found: create it in namespace team, or set optional: true/],
    ['a missing key', secret('db', undefined, { missing: 'key', valuesKey: 'pw' }), /^Secret team\/db has no key pw: add the key, set valuesKey to the key that holds the values, or set optional: true/],
    ['a missing source, not knowing which part', cm('gone', undefined), /^ConfigMap team\/gone key values.yaml not found/],
  ];
  for (const [name, source, message] of rows) {
    it(`fails with ValuesError on ${name} that is not optional`, () => {
      assert.throws(
        () => compose([source]),
        (err: unknown) => err instanceof ValuesSourceNotFoundError && err instanceof ValuesError && message.test(err.message),
      );
    });
  }
});

describe('composeValues: bad documents', () => {
  const rows: [string, ResolvedSource, RegExp][] = [
    ['text that is not YAML', cm('bad', 'a: [1,'), /^ConfigMap team\/bad key values.yaml is not valid YAML: .* at line 1, column 7; fix it so that it holds one YAML map/],
    ['a list', cm('list', '- a\n- b'), /^ConfigMap team\/list key values.yaml cannot be used as Helm values: it holds a list, not a map of values/],
    ['a single value', cm('one', 'just text'), /it holds a string, not a map of values; .*or set targetPath to use the text as a single value/],
    ['two documents', cm('two', 'a: 1\n---\nb: 2'), /it holds 2 YAML documents/],
    ['a NaN', cm('nan', 'a: .nan'), /NaN/],
  ];
  for (const [name, source, message] of rows) {
    it(`fails with ValuesError on ${name}`, () => {
      assert.throws(() => compose([source]), (err: unknown) => err instanceof ValuesDocumentError && message.test(err.message));
    });
  }

  it('never quotes a Secret in the message', () => {
    assert.throws(
      () => compose([secret('db', 'password: "hunter2\nother: [')]),
      (err: unknown) => err instanceof ValuesDocumentError && /^Secret team\/db key values.yaml is not valid YAML: a syntax error at line \d+/.test(err.message) && !err.message.includes('hunter2'),
    );
    assert.throws(
      () => compose([secret('db', 'hunter2,oops', { targetPath: 'password' })]),
      (err: unknown) => err instanceof TargetPathError && !err.message.includes('hunter2') && !err.message.includes('oops'),
    );
  });

  it('fails with ValuesError on a targetPath helm would reject, naming source and path', () => {
    assert.throws(
      () => compose([cm('a', 'db: text'), cm('port', '1', { targetPath: 'db.port' })]),
      (err: unknown) => err instanceof TargetPathError && err.message.startsWith('ConfigMap team/port key values.yaml: targetPath "db.port" cannot be set (unable to parse key: interface conversion: interface {} is string, not map[string]interface {})'),
    );
  });

  for (const [name, inline] of [['a list', [1]], ['a string', 'x'], ['a non-finite number', { a: { b: Infinity } }]] as const) {
    it(`fails with ValuesError when the inline values are ${name}`, () => {
      assert.throws(() => compose([], inline), (err: unknown) => err instanceof ValuesDocumentError && err.source === 'spec.values' && err.message.startsWith('spec.values '));
    });
  }
});

describe('composeValues: reason', () => {
  it('gives every failure the reason ValuesError, for the Ready condition', () => {
    const failing: [ResolvedSource[], unknown][] = [
      [[cm('gone', undefined)], undefined],
      [[cm('bad', '- 1')], undefined],
      [[cm('tp', '1', { targetPath: 'a[x]' })], undefined],
      [[], [1]],
    ];
    for (const [sources, inline] of failing) {
      const err = captured(() => compose(sources, inline));
      assert.ok(err instanceof ValuesError, String(err));
      const { reason }: { reason: string } = err;
      assert.equal(reason, 'ValuesError');
    }
  });
});

function captured(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}
