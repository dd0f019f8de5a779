// helm's --set rules, one row each. Every expected value is what helm 3.17 and helm 4.1 print for
// the same flag (`helm template --set …` with a chart that renders toJson .Values).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TargetPathError, ValuesError } from '../../../../src/helmrelease/values/errors.ts';
import { setLineFor, setTargetPath } from '../../../../src/helmrelease/values/set-path.ts';
import { parseSetLine, StrvalsError, type SetMode } from '../../../../src/helmrelease/values/strvals.ts';
import type { ValuesMap } from '../../../../src/helmrelease/values/value.ts';

function parsed(mode: SetMode, line: string, start: ValuesMap = {}): ValuesMap {
  const dest = structuredClone(start);
  parseSetLine(line, dest, mode);
  return dest;
}

/** [line, values before, values after] */
type Row = [string, ValuesMap, ValuesMap];

function table(mode: SetMode, rows: Row[]): void {
  for (const [line, before, after] of rows) {
    it(`${line === '' ? '(empty line)' : line} on ${JSON.stringify(before)} gives ${JSON.stringify(after)}`, () => {
      assert.deepEqual(parsed(mode, line, before), after);
    });
  }
}

function rejects(mode: SetMode, rows: [string, ValuesMap, RegExp][]): void {
  for (const [line, before, message] of rows) {
    it(`rejects ${line} on ${JSON.stringify(before)} (${message.source})`, () => {
      assert.throws(() => parsed(mode, line, before), (err: unknown) => err instanceof StrvalsError && message.test(err.message));
    });
  }
}

describe('--set: paths', () => {
  table('typed', [
    ['a=x', {}, { a: 'x' }],
    ['a.b.c=x', {}, { a: { b: { c: 'x' } } }],
    ['a.b=x', { a: { keep: 1 } }, { a: { keep: 1, b: 'x' } }],
    ['a\\.b=x', {}, { 'a.b': 'x' }],
    ['a\\\\b=x', {}, { 'a\\b': 'x' }],
    ['a\\[0]=1', {}, { 'a[0]': 1 }],
    ['a=x,b.c=y', {}, { a: 'x', b: { c: 'y' } }],
    ['=x', {}, {}],
    ['a.', {}, {}],
  ]);
  rejects('typed', [
    ['a', {}, /^key "a" has no value$/],
    ['a.b', {}, /^key "b" has no value$/],
    ['a=x,b', {}, /^key "b" has no value$/],
    ['a,b=1', {}, /^key "a" has no value \(cannot end with ,\)$/],
    ['a.=1', {}, /^key map "a" has no value$/],
    ['a..b=1', {}, /^key map "a" has no value$/],
    ['a.b=1', { a: 'text' }, /^unable to parse key: interface conversion: interface \{\} is string, not map\[string\]interface \{\}$/],
    ['a.b=1', { a: null }, /interface \{\} is nil, not map/],
    ['a=1,a.b=2', {}, /interface \{\} is int64, not map/],
    [`${Array.from({ length: 32 }, (_, i) => `k${i}`).join('.')}=1`, {}, /nested level is greater than maximum supported nested level of 30/],
  ]);
  it('accepts 30 nested names (31 keys)', () => {
    const line = `${Array.from({ length: 31 }, (_, i) => `k${i}`).join('.')}=1`;
    assert.doesNotThrow(() => parsed('typed', line));
  });
});

describe('--set: list indexes', () => {
  table('typed', [
    ['a[0]=x', {}, { a: ['x'] }],
    ['a[2]=x', {}, { a: [null, null, 'x'] }],
    ['a[1]=x', { a: [1, 2, 3] }, { a: [1, 'x', 3] }],
    ['a[0].b=1', {}, { a: [{ b: 1 }] }],
    ['a[0].b=1', { a: [{ c: 2 }] }, { a: [{ c: 2, b: 1 }] }],
    ['a[0].b=1', { a: ['text'] }, { a: [{ b: 1 }] }],
    ['a[1][1]=2', {}, { a: [null, [null, 2]] }],
    ['a[+1]=x', {}, { a: [null, 'x'] }],
    ['a[01]=x', {}, { a: [null, 'x'] }],
    ['a[1]=x,a[0][0]=1', {}, { a: [[1], 'x'] }],
    ['a[0]=1,a[0].b=2', {}, { a: [{ b: 2 }] }],
    ['a[0]', {}, { a: [] }],
  ]);
  rejects('typed', [
    ['a[-1]=x', {}, /^negative -1 index not allowed$/],
    ['a[65537]=x', {}, /^index of 65537 is greater than maximum supported index of 65536$/],
    ['a[x]=1', {}, /^error parsing index: strconv\.Atoi: parsing "x": invalid syntax$/],
    ['a[ 1]=1', {}, /^error parsing index: strconv\.Atoi: parsing " 1": invalid syntax$/],
    ['a[0]x=1', {}, /^unexpected data at end of array index: \["x"\]$/],
    ['a[1=x', {}, /^error parsing index: EOF/],
    ['a[0]=1', { a: { b: 1 } }, /interface \{\} is map\[string\]interface \{\}, not \[\]interface \{\}/],
    ['a[0]=1', { a: null }, /interface \{\} is nil, not \[\]interface \{\}/],
    ['a[0][0].b=1', { a: [{ c: 1 }] }, /not \[\]interface \{\}/],
    ['a[0].b=1,a[0][1]=2', {}, /interface \{\} is map\[string\]interface \{\}, not \[\]interface \{\}/],
  ]);
  it('allows index 65536', () => {
    assert.equal((parsed('typed', 'a[65536]=x').a as unknown[]).length, 65_537);
  });
});

describe('--set: values', () => {
  table('typed', [
    ['a=1', {}, { a: 1 }],
    ['a=0', {}, { a: 0 }],
    ['a=-5', {}, { a: -5 }],
    ['a=+5', {}, { a: 5 }],
    ['a=-0', {}, { a: 0 }],
    ['a=-007', {}, { a: -7 }],
    ['a=007', {}, { a: '007' }],
    ['a=1.5', {}, { a: '1.5' }],
    ['a=1e3', {}, { a: '1e3' }],
    // An int64 beyond 2^53 arrives as the float64 helm reads from a values file.
    ['a=9223372036854775807', {}, { a: 2 ** 63 }],
    ['a=9223372036854775808', {}, { a: '9223372036854775808' }],
    ['a=true', {}, { a: true }],
    ['a=TRUE', {}, { a: true }],
    ['a=False', {}, { a: false }],
    ['a=falſe', {}, { a: false }],
    ['a=yes', {}, { a: 'yes' }],
    ['a=null', { a: { b: 1 } }, { a: null }],
    ['a=Null', {}, { a: null }],
    ['a=', {}, { a: '' }],
    ['a=1=2', {}, { a: '1=2' }],
    ['a=x\\,y', {}, { a: 'x,y' }],
    ['a=x\\ny', {}, { a: 'xny' }],
    ['a=x\\', {}, { a: 'x' }],
    ['a=two\nlines', {}, { a: 'two\nlines' }],
    ['a={1,x, true}', {}, { a: [1, 'x', ' true'] }],
    ['a={}', {}, { a: [''] }],
    ['a={x},b=1', {}, { a: ['x'], b: 1 }],
    ['a={x\\,y}', {}, { a: ['x,y'] }],
    ['a[1]={p,q}', {}, { a: [null, ['p', 'q']] }],
  ]);
  rejects('typed', [
    ['a={x', {}, /^list must terminate with '\}'$/],
    ['a={1}x', {}, /^key "x" has no value$/],
  ]);
});

describe('--set-string', () => {
  table('string', [
    ['a=1,b=true,c=null', {}, { a: '1', b: 'true', c: 'null' }],
    ['a={1,2}', {}, { a: ['1', '2'] }],
    ['a\\.b[1]=007', {}, { 'a.b': [null, '007'] }],
  ]);
});

describe('--set-literal', () => {
  table('literal', [
    ['a=x,y=z', {}, { a: 'x,y=z' }],
    ['a={1,2}', {}, { a: '{1,2}' }],
    ['a=\\x', {}, { a: '\\x' }],
    ['a=1', {}, { a: '1' }],
    ['a\\.b=x', {}, { 'a\\': { b: 'x' } }],
    ['a,b=1', {}, { 'a,b': '1' }],
    ['a[1][0]=q', {}, { a: [null, ['q']] }],
    ['a[0].b=x', {}, { a: [{ b: 'x' }] }],
    ['a[0]=1,a[0].b=2', {}, { a: ['1,a[0].b=2'] }],
  ]);
  rejects('literal', [
    ['a', {}, /^key "a" has no value$/],
    ['a[0]x=1', {}, /^unexpected data at end of array index/],
    ['a[0]=1', { a: {} }, /interface \{\} is map\[string\]interface \{\}, not \[\]interface \{\}/],
  ]);
});

describe('targetPath entries (Flux rules)', () => {
  const cases: [string, { content: string; literal?: boolean }, ReturnType<typeof setLineFor>][] = [
    ['an unquoted text is a --set value', { content: '42' }, { mode: 'typed', line: 'p=42' }],
    ['a double-quoted text is a --set-string value without its quotes', { content: '"42"' }, { mode: 'string', line: 'p=42' }],
    ['a single-quoted text is a --set-string value without its quotes', { content: "'true'" }, { mode: 'string', line: 'p=true' }],
    ['every quote at either end is trimmed', { content: `"'x'"` }, { mode: 'string', line: 'p=x' }],
    ['a quote inside stays', { content: '"a"b"' }, { mode: 'string', line: 'p=a"b' }],
    ['quotes that do not match are no quoting', { content: `'x"` }, { mode: 'typed', line: `p='x"` }],
    ['a trailing newline defeats the quoting and is kept', { content: '"x"\n' }, { mode: 'typed', line: 'p="x"\n' }],
    ['a literal text is taken as it is, quotes included', { content: '"a,b"', literal: true }, { mode: 'literal', line: 'p="a,b"' }],
  ];
  for (const [name, entry, expected] of cases) {
    it(name, () => {
      assert.deepEqual(setLineFor({ targetPath: 'p', ...entry }), expected);
    });
  }

  it('sets a quoted number as a string where helm --set would make it an int', () => {
    const values: ValuesMap = {};
    setTargetPath(values, { targetPath: 'db.port', content: '"5432"' }, { description: 'ConfigMap ns/db key port', secret: false });
    setTargetPath(values, { targetPath: 'db.replicas', content: '3' }, { description: 'ConfigMap ns/db key replicas', secret: false });
    assert.deepEqual(values, { db: { port: '5432', replicas: 3 } });
  });

  it('names the source and the targetPath of a line helm would reject', () => {
    assert.throws(
      () => {
        setTargetPath({}, { targetPath: 'a[x]', content: '1' }, { description: 'ConfigMap ns/cm key k', secret: false });
      },
      (err: unknown) =>
        err instanceof TargetPathError && err instanceof ValuesError && err.targetPath === 'a[x]' &&
        err.message.startsWith('ConfigMap ns/cm key k: targetPath "a[x]" cannot be set (error parsing index: strconv.Atoi: parsing "x": invalid syntax)'),
    );
  });

  it('never quotes the text of a Secret in the message', () => {
    assert.throws(
      () => {
        setTargetPath({}, { targetPath: 'password', content: 's3cr3t,hunter2' }, { description: 'Secret ns/db key password', secret: true });
      },
      (err: unknown) => err instanceof TargetPathError && !err.message.includes('hunter2') && err.message.includes('key "…" has no value'),
    );
  });
});
