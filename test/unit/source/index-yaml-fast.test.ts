// The fast reader of helm's own index layout must read exactly what the general YAML reader reads,
// and decline (so the general reader takes over) whatever it is not sure of.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateLargeIndex } from '../../../bench/large-index.ts';
import { readHelmLayoutIndex } from '../../../src/source/index-yaml-fast.ts';
import { readYamlIndex } from '../../../src/source/index-yaml.ts';
import { FIXTURES_REPO } from '../../support/paths.ts';

const fixture = readFileSync(join(FIXTURES_REPO, 'index.yaml'), 'utf8');
const generated = generateLargeIndex({ charts: 4, versionsPerChart: 25 });

const quirky = [
  'apiVersion: v1',
  'entries:',
  '  app:',
  '  - apiVersion: v2',
  "    appVersion: '1.0'",
  '    created: "2026-01-01T00:00:00Z"',
  '    dependencies:',
  '    - alias: db-main',
  '      name: postgresql',
  '      tags:',
  '      - database',
  '    - name: cache',
  '      alias: "bad alias"',
  '    description: |-',
  '      A description over',
  '      - several lines',
  '      version: 9.9.9',
  '    digest: sha256:ABCDEF',
  '    maintainers:',
  '    - name: someone',
  '    name: app',
  '    urls:',
  '    - app-1.0.0.tgz',
  "    - 'https://mirror.example/app-1.0.0.tgz'",
  '    version: 1.0.0',
  '  - name: app',
  '    version: "1.10"',
  '    urls: []',
  '  - name: app',
  '    version: not semver',
  '  empty: []',
  '  nothing:',
  'generated: "2026-01-01T00:00:00Z"',
  'serverInfo:',
  '  contextPath: /charts',
  '',
].join('\n');

describe('readHelmLayoutIndex', () => {
  for (const [name, text] of [['the fixture index written by helm', fixture], ['a generated large index', generated], ['an index with every field shape helm writes', quirky]] as const) {
    it(`reads ${name} exactly as the general YAML reader does`, () => {
      const fast = readHelmLayoutIndex(text);
      assert.ok(fast, 'the fast path accepted it');
      assert.deepEqual(fast, readYamlIndex(text));
    });
  }

  const declined: [string, string][] = [
    ['an anchor', fixture.replace('    name: app\n', '    name: &n app\n')],
    ['a flow sequence of urls', fixture.replace('    urls:\n    - app-2.1.0.tgz\n', '    urls: [app-2.1.0.tgz]\n')],
    ['a comment line', `# generated\n${fixture}`],
    ['four-space indentation', fixture.replaceAll('\n  ', '\n    ')],
    ['indented sequences', fixture.replaceAll('\n  - ', '\n    - ').replaceAll('\n    ', '\n      ').replaceAll('\n      app:', '\n  app:')],
    ['a version continued on the next line', fixture.replace('    version: 2.1.0\n', '    version: 2.1.0\n      -extra\n')],
    ['CRLF line ends', fixture.replaceAll('\n', '\r\n')],
    ['a tab', fixture.replace('description: A', 'description:\tA')],
    ['a chart listed twice', fixture.replace('generated:', 'entries:\n  app: []\ngenerated:')],
    ['a merge key', fixture.replace('    name: app\n', '    <<: {name: app}\n')],
    ['an escaped double-quoted string', fixture.replace('created: "2026', 'created: "\\u00322026')],
  ];
  for (const [name, text] of declined) {
    it(`declines ${name}, leaving it to the general reader`, () => {
      assert.equal(readHelmLayoutIndex(text), undefined);
    });
  }

  // The fast path does not check the syntax of the lines it skips (descriptions, annotations, ...):
  // an index broken only there is read by capstan where helm would refuse it. What it reads, it
  // must read as the general reader does whenever that one accepts the text.
  it('reads every mutated index it accepts as the general reader does (seeded fuzz, 2000 cases)', () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    const pieces = [' ', '  ', '- ', '#', ':', ': ', '"', "'", '&a ', '*a', '!t ', '|', '>-', '[', ']', '{', '}', '\n', 'null', '~', ',', '?', '\\', '-', 'version: 3.0.0', 'urls:', 'alias: x'];
    const lines = quirky.split('\n');
    let accepted = 0;
    let compared = 0;
    for (let i = 0; i < 2000; i++) {
      const mutated = [...lines];
      for (let k = 0; k <= random(3); k++) {
        const at = random(mutated.length);
        const line = mutated[at] ?? '';
        const pos = random(line.length + 1);
        const op = random(3);
        const piece = pieces[random(pieces.length)] ?? '';
        mutated[at] = op === 0 ? line.slice(0, pos) + piece + line.slice(pos) : op === 1 ? line.slice(0, pos) + line.slice(pos + 1) : piece + line;
      }
      const text = mutated.join('\n');
      const fast = readHelmLayoutIndex(text);
      if (fast === undefined) continue;
      accepted++;
      let general: unknown;
      try {
        general = readYamlIndex(text);
      } catch {
        continue;
      }
      compared++;
      assert.deepEqual(fast, general, text);
    }
    assert.ok(compared > 300, `only ${compared} of ${accepted} accepted mutations were compared: the fuzz tests too little`);
  });
});
