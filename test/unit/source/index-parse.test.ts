// Parsing and normalising index.yaml: JSON or YAML in, a compact per-chart version list out, bad
// entries dropped and counted, bad documents refused with IndexationFailed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { IndexationError } from '../../../src/source/errors.ts';
import { indexStats } from '../../../src/source/index-model.ts';
import { parseIndex } from '../../../src/source/index-parse.ts';
import { isLooseSemver } from '../../../src/source/index-normalise.ts';
import { FIXTURES_REPO } from '../../support/paths.ts';

function entry(fields: string): string {
  return `  - ${fields.trim().split('\n').join('\n    ')}\n`;
}

function yamlIndex(charts: Record<string, string[]>): string {
  let out = 'apiVersion: v1\nentries:\n';
  for (const [name, entries] of Object.entries(charts)) out += `  ${name}:\n${entries.map(entry).join('')}`;
  return `${out}generated: "2026-01-01T00:00:00Z"\n`;
}

function refusedWith(text: string | Buffer, message: RegExp): void {
  assert.throws(() => parseIndex(text), (err: unknown) => err instanceof IndexationError && message.test(err.message));
}

describe('parseIndex', () => {
  it('reads the fixture repository index into versions with created, digest and urls only', () => {
    const { index, dropped } = parseIndex(readFileSync(join(FIXTURES_REPO, 'index.yaml')));
    assert.equal(dropped, 0);
    assert.equal(index.apiVersion, 'v1');
    const app = index.charts.get('app');
    assert.deepEqual(app?.map((v) => v.version), ['2.1.0', '2.0.0', '1.2.0-rc.1', '1.1.0', '1.0.0']);
    assert.deepEqual(Object.keys(app[0] ?? {}).sort(), ['created', 'digest', 'urls', 'version']);
    assert.deepEqual(app[0]?.urls, ['app-2.1.0.tgz']);
    assert.match(app[0].digest ?? '', /^[0-9a-f]{64}$/);
  });

  it('reads a JSON index the same as the YAML one', () => {
    const yamlText = yamlIndex({ app: ['name: app\nversion: 1.0.0\ncreated: "2026-01-01T00:00:00Z"\ndigest: ABC\nurls: [app-1.0.0.tgz]'] });
    const json = JSON.stringify({ apiVersion: 'v1', entries: { app: [{ name: 'app', version: '1.0.0', created: '2026-01-01T00:00:00Z', digest: 'ABC', urls: ['app-1.0.0.tgz'] }] } });
    assert.deepEqual(parseIndex(json).index.charts, parseIndex(yamlText).index.charts);
    assert.deepEqual(parseIndex(json).index.charts.get('app'), [{ version: '1.0.0', created: '2026-01-01T00:00:00Z', digest: 'abc', urls: ['app-1.0.0.tgz'] }]);
  });

  it('keeps versions as written: 1.10 stays "1.10", not the number 1.1', () => {
    const { index } = parseIndex(yamlIndex({ app: ['name: app\nversion: 1.10\nurls: [a.tgz]', 'name: app\nversion: 2.0\nurls: [b.tgz]'] }));
    assert.deepEqual(index.charts.get('app')?.map((v) => v.version), ['1.10', '2.0']);
  });

  it('strips a sha256: prefix from digests and keeps the order of the index', () => {
    const { index } = parseIndex(yamlIndex({ app: ['name: app\nversion: 1.0.0\ndigest: sha256:AB12', 'name: app\nversion: 3.0.0', 'name: app\nversion: 2.0.0'] }));
    assert.deepEqual(index.charts.get('app')?.map((v) => [v.version, v.digest]), [['1.0.0', 'ab12'], ['3.0.0', undefined], ['2.0.0', undefined]]);
  });

  it('drops the entries helm would skip and counts them, keeping the rest', () => {
    const { index, dropped, droppedExamples } = parseIndex(yamlIndex({
      app: [
        'name: app\nversion: 1.0.0\nurls: [ok.tgz]',
        'name: app\nversion: not-a-version',
        'name: app\nversion: 1.0.0-01',
        'version: 1.1.0',
        'name: ../app\nversion: 1.2.0',
        'name: app\nversion: 1.3.0\ntype: plugin',
        'name: app\nversion: 1.4.0\nurls: {a: b}',
        'name: app\nversion: 1.5.0\ndependencies:\n- name: db\n  alias: "bad alias!"',
        'name: app\nversion: 1.6.0\nmaintainers:\n- null',
      ],
      other: ['name: other\nversion: v2.0.0'],
    }));
    assert.deepEqual(index.charts.get('app')?.map((v) => v.version), ['1.0.0']);
    assert.deepEqual(index.charts.get('other')?.map((v) => v.version), ['v2.0.0']);
    assert.equal(dropped, 8);
    assert.equal(droppedExamples.length, 5);
    assert.match(droppedExamples[0] ?? '', /chart "app" version "not-a-version": version "not-a-version" is not semver/);
  });

  it('counts a null entry and a chart that is not a list as dropped', () => {
    const { index, dropped } = parseIndex('apiVersion: v1\nentries:\n  a:\n  - null\n  - name: a\n    version: 1.0.0\n  b: 5\n  c:\n');
    assert.deepEqual([...index.charts.keys()], ['a', 'c']);
    assert.equal(dropped, 2);
  });

  it('follows anchors, aliases and merge keys the way helm (go-yaml) does', () => {
    const text = [
      'apiVersion: v1',
      'base: &base {name: app, apiVersion: v2, urls: [shared.tgz]}',
      'entries:',
      '  app:',
      '  - <<: *base',
      '    version: 1.0.0',
      '  - <<: *base',
      '    version: 2.0.0',
      '    urls: [own.tgz]',
      '',
    ].join('\n');
    assert.deepEqual(parseIndex(text).index.charts.get('app'), [{ version: '1.0.0', urls: ['shared.tgz'] }, { version: '2.0.0', urls: ['own.tgz'] }]);
  });

  it('refuses an alias bomb without expanding it', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    const letters = 'abcdefghijklmnop';
    for (let i = 1; i < letters.length; i++) lines.push(`${letters[i] ?? ''}: &${letters[i] ?? ''} [${Array(10).fill(`*${letters[i - 1] ?? ''}`).join(', ')}]`);
    const started = performance.now();
    refusedWith(`${lines.join('\n')}\napiVersion: v1\nentries: {}\n`, /alias bomb/);
    assert.ok(performance.now() - started < 1_000, 'refused at once');
  });

  it('refuses an alias that refers to a collection containing it', () => {
    refusedWith('apiVersion: v1\nentries: &e\n  a: [*e]\n', /contains it/);
  });

  it('reads custom tags as plain text instead of constructing anything', () => {
    const { index } = parseIndex('apiVersion: v1\nentries:\n  app:\n  - name: app\n    version: !!python/object:os.system 1.0.0\n    urls: !custom [a.tgz]\n');
    assert.deepEqual(index.charts.get('app'), [{ version: '1.0.0', urls: ['a.tgz'] }]);
  });

  it('reads only the first document, like helm', () => {
    const { index } = parseIndex('apiVersion: v1\nentries: {a: []}\n---\napiVersion: v2\nentries: {b: []}\n');
    assert.deepEqual([...index.charts.keys()], ['a']);
  });

  it('accepts a byte order mark and an index without entries', () => {
    assert.equal(indexStats(parseIndex('\uFEFFapiVersion: v1\n').index).charts, 0);
  });

  it('treats a body that starts like JSON but is not valid JSON as YAML (flow style), like helm', () => {
    assert.deepEqual([...parseIndex('{apiVersion: v1, entries: {a: []}}').index.charts.keys()], ['a']);
  });

  it('refuses an empty body', () => { refusedWith('  \n', /empty/); });
  it('refuses an HTML page', () => { refusedWith('\n<html><body>Sign in</body></html>', /HTML page/); });
  it('refuses garbage bytes', () => { refusedWith(Buffer.from([0x00, 0x01, 0xfe, 0xff]), /not valid YAML/); });
  it('refuses a plain string', () => { refusedWith('hello world', /not a YAML mapping/); });
  it('refuses a document without apiVersion', () => { refusedWith('entries: {}\n', /no apiVersion/); });
  it('refuses entries that are not a mapping', () => { refusedWith('apiVersion: v1\nentries: [a, b]\n', /entries is not a mapping/); });
  it('refuses JSON that is not an object', () => { refusedWith('{"apiVersion": "v1", "entries": []}', /entries is not a mapping/); });
  it('refuses a file truncated inside a quoted string, saying where', () => {
    refusedWith('apiVersion: v1\nentries:\n  app:\n  - name: app\n    created: "2026-01-0', /not valid YAML.*line 5/);
  });
  it('refuses YAML nested deeper than any index', () => {
    refusedWith(`apiVersion: v1\nx: ${'['.repeat(200)}${']'.repeat(200)}\n`, /not valid YAML/);
  });
});

describe('isLooseSemver', () => {
  const table: [string, boolean][] = [
    ['1.2.3', true], ['v1.2.3', true], ['1.2', true], ['1', true], ['1.2.3-rc.1', true], ['1.2.3+build.5', true],
    ['01.2.3', true], ['1.2.3-01', false], ['1.2.3-', false], ['1.2.3.4', false], ['', false], ['latest', false], ['1.2.3+b_1', false],
  ];
  for (const [version, valid] of table) {
    it(`${valid ? 'accepts' : 'refuses'} ${JSON.stringify(version)}`, () => { assert.equal(isLooseSemver(version), valid); });
  }
});
