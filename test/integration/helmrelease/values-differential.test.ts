// Capstan's composed values render exactly what helm renders from the same sources. For each seeded
// case (valuesFrom documents written in many YAML styles, targetPath entries, inline values) a chart
// whose template is `toJson .Values` is rendered twice with `helm template`, byte for byte equal:
//   capstan: composeValues(…) → serialiseValues(…) → one `-f composed.yaml`;
//   helm:    `-f <document>` for each document in valuesFrom order (a missing optional one left
//            out), then `-f inline.yaml`, then one flag per targetPath entry in valuesFrom order:
//            `--set path=text`, `--set-string path=text-without-quotes` for a quoted text (Flux's
//            rule), `--set-literal path=text` for literal: true.
// helm applies every -f before every --set flag, which is capstan's order (targetPath entries win
// over inline values and documents, DESIGN §3). helm also applies all --set before all
// --set-string before all --set-literal whatever their order on the command line, while capstan
// applies targetPath entries in list order: the generator lists them in that group order, so the
// two orders agree (test/unit/helmrelease/values/compose.test.ts covers mixed orders).
// Left out on purpose, where capstan's file route differs from helm's --set: targetPath integers
// beyond 2^53 (helm keeps an int64, a values file holds float64s) and values helm 3 and 4 read
// differently (several YAML documents in one key, an index never closed).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { composeValues, type ResolvedSource } from '../../../src/helmrelease/values/compose.ts';
import { TargetPathError, ValuesDocumentError, ValuesError } from '../../../src/helmrelease/values/errors.ts';
import { serialiseValues } from '../../../src/helmrelease/values/serialise.ts';
import type { Value, ValuesMap } from '../../../src/helmrelease/values/value.ts';
import { isolatedHelm, type Helm } from '../../support/helm.ts';
import { HELM_MAJORS } from '../../support/paths.ts';
import { inPool, Random } from '../../support/seeded.ts';

const SEED = 20_251_124;
const CASES = 160;
const CONCURRENCY = 4;

interface Case {
  id: number;
  sources: ResolvedSource[];
  inline: ValuesMap | undefined;
}

// ---- the chart ------------------------------------------------------------------------------

const CHART_YAML = 'apiVersion: v2\nname: values-differential\nversion: 0.1.0\n';
// Defaults on the keys the cases use, so that merges meet them and a null removes them.
const CHART_VALUES = `a: default-a
b: {keep: 1, drop: 2}
image: {repository: nginx, tag: "1.0"}
replicas: 1
list: [one, two]
nested: {deep: {keep: 1, drop: 2}, x: 1}
config: {x: 1, new: 2}
"true": from-chart
x: 0
`;
const TEMPLATE = `apiVersion: v1
kind: ConfigMap
metadata:
  name: values
data:
  values.json: {{ toJson .Values | quote }}
`;

// ---- generated YAML documents --------------------------------------------------------------------

type YNode =
  | { t: 'scalar'; text: string; flowSafe: boolean }
  | { t: 'block'; header: string; lines: string[] }
  | { t: 'map'; entries: [string, YNode][]; flow: boolean }
  | { t: 'seq'; items: YNode[]; flow: boolean };

// Keys as written in YAML; go-yaml v2 reads y, on, yes as `true`, N as `false`, 1 and 0x1F as ints,
// 1.5 as a float. No two of them become the same string key from different Go types.
const DOC_KEYS = ['a', 'b', 'image', 'tag', 'replicas', 'list', 'nested', 'deep', 'keep', 'drop', 'config', 'x', 'new',
  'y', 'on', 'yes', 'N', '1', '0x1F', '1.5', '"dotted.key"', "'with space'", '"émoji😀"', '"y"'];
const PLAIN_SCALARS = ['0', '42', '-7', '+5', '007', '0x1F', '0o17', '1_000', '9007199254740993', '12345678901234567891',
  '1.5', '.5', '-0.0', '1e3', '6.02e23', '1e400', 'true', 'yes', 'No', 'on', 'OFF', 'y', '~', 'null', 'NULL',
  'hello', 'with space', '2001-12-14', 'tRUE', 'a-b', '.nan.', '08'];
const BLOCK_ONLY_SCALARS = ['1:20', 'a:b', 'x#not-a-comment'];
const QUOTED_SCALARS = ['"123"', "'1e3'", '"true"', "'yes'", '"0x1F"', '""', "''", '"~"', '"null"', '"two\\nlines"', '"tab\\there"',
  '"\\u00e9\\x41\\U0001F600"', '"say \\"hi\\""', "'it''s'", '"back\\\\slash"', '"\\x85\\u2028nel"', "'  spaced  '", '"-0"'];
const TAGGED_SCALARS = ['!!str 123', '!!int "42"', '!!float 7', '!custom text', '!!bool "yes"'];

class Generator {
  readonly rnd: Random;

  constructor(seed: number) {
    this.rnd = new Random(seed);
  }

  scalar(): Extract<YNode, { t: 'scalar' | 'block' }> {
    const r = this.rnd.next();
    if (r < 0.5) return { t: 'scalar', text: this.rnd.pick(PLAIN_SCALARS), flowSafe: true };
    if (r < 0.8) return { t: 'scalar', text: this.rnd.pick(QUOTED_SCALARS), flowSafe: true };
    if (r < 0.88) return { t: 'scalar', text: this.rnd.pick(TAGGED_SCALARS), flowSafe: true };
    if (r < 0.93) return { t: 'scalar', text: this.rnd.pick(BLOCK_ONLY_SCALARS), flowSafe: false };
    const header = this.rnd.pick(['|', '|-', '|+', '>', '>-']);
    const lines: string[] = Array.from({ length: 1 + this.rnd.int(3) }, () => this.rnd.pick(['line one', 'two  spaces', '', '  indented', 'key: value', '# hash']));
    if (lines.join('') === '') lines[0] = 'text';
    if ((lines[0] ?? '').startsWith(' ')) lines[0] = 'first';
    return { t: 'block', header, lines };
  }

  node(depth: number, flow: boolean): YNode {
    const r = this.rnd.next();
    if (depth >= 3 || r < 0.55) {
      const s = this.scalar();
      return flow && (s.t === 'block' || !s.flowSafe) ? { t: 'scalar', text: '~', flowSafe: true } : s;
    }
    const childFlow = flow || this.rnd.chance(0.3);
    if (r < 0.8) return this.map(depth + 1, childFlow);
    return { t: 'seq', flow: childFlow, items: Array.from({ length: this.rnd.int(4) }, () => this.node(depth + 1, childFlow)) };
  }

  map(depth: number, flow: boolean): YNode {
    const keys = new Set<string>();
    const count = this.rnd.int(4) + (depth === 0 ? 1 : 0);
    for (let i = 0; i < count; i++) keys.add(this.rnd.pick(DOC_KEYS));
    return { t: 'map', flow, entries: [...keys].map((k) => [k, this.node(depth, flow)]) };
  }

  /** A values document as YAML text. */
  document(): string {
    const r = this.rnd.next();
    if (r < 0.03) return this.rnd.pick(['', '~', '# only a comment\n', '---\n']);
    if (r < 0.05) return this.rnd.pick(['- a\n- b\n', 'just text\n', 'a: .nan\n']);
    const flow = r < 0.12;
    const lines = render(this.map(0, flow), 0);
    if (!flow && this.rnd.chance(0.15)) {
      // An anchor, then an alias or a merge key (which overrides the key before it, not the one after).
      lines.unshift('base: &base {keep: anchored, drop: 2}');
      if (this.rnd.chance(0.5)) lines.push('copy: *base');
      else lines.push('merged:', ...(this.rnd.chance(0.5) ? ['  keep: before'] : []), '  <<: *base', '  x: after');
    }
    // No %YAML or %TAG directive: helm 3 reads them, helm 4 refuses them (read-yaml.test.ts).
    if (this.rnd.chance(0.1)) lines.unshift(this.rnd.pick(['---', '# values']));
    return `${lines.join('\n')}\n`;
  }

  /** A targetPath for helm's --set syntax; literal paths take no escapes. */
  targetPath(): string {
    const segments = 1 + this.rnd.int(3);
    let path = '';
    for (let i = 0; i < segments; i++) {
      path += `${i > 0 ? '.' : ''}${this.rnd.pick(['a', 'b', 'image', 'tag', 'list', 'nested', 'deep', 'keep', 'config', 'x', 'y', 'new', 'true', 'dotted\\.key'])}`;
      if (this.rnd.chance(0.25)) path += `[${this.rnd.int(4)}]`;
      if (this.rnd.chance(0.05)) path += `[${this.rnd.int(3)}]`;
    }
    return path;
  }

  targetValue(mode: 'typed' | 'string' | 'literal'): string {
    if (mode === 'typed') {
      return this.rnd.pick(['1', '0', '-3', '+7', '007', '42', '9007199254740991', 'true', 'False', 'NULL', 'null', '', 'text', 'with space',
        '1.5', '1e3', 'yes', 'x\\,y', '{a,b}', '{1,true, x}', '{}', 'two\nlines', 'trailing\n', 'back\\\\slash', 'a=b', 'é😀', 'v,extra=1']);
    }
    if (mode === 'string') return this.rnd.pick(['"123"', "'true'", '"007"', '"x"', "'{p,q}'", '""', '"a\\,b"', `"'mixed'"`, "'null'"]);
    return this.rnd.pick(['a,b', '{x}', 'x\\y', '"quoted"', 'multi\nline', '123', '', 'k=v,w', 'null']);
  }

  inlineValue(depth: number): Value {
    const r = this.rnd.next();
    if (depth >= 3 || r < 0.6) {
      return this.rnd.pick<Value>(['yes', '123', '', 'multi\nline', 'é日本😀', '\u2028sep', 'tab\t', 'quote"', 'y', 0, 1, -5, 2.5, 1e21,
        12345678901234567000, 0.1, true, false, null, null]);
    }
    if (r < 0.8) return this.inlineMap(depth + 1);
    return Array.from({ length: this.rnd.int(4) }, () => this.inlineValue(depth + 1));
  }

  inlineMap(depth: number): ValuesMap {
    const out: ValuesMap = {};
    const count = this.rnd.int(4) + (depth === 0 ? 1 : 0);
    for (let i = 0; i < count; i++) {
      out[this.rnd.pick(['a', 'b', 'image', 'tag', 'replicas', 'list', 'nested', 'deep', 'keep', 'drop', 'config', 'x', 'y', 'true', 'new', 'with space', 'dotted.key'])] = this.inlineValue(depth);
    }
    return out;
  }

  case(id: number): Case {
    const documents: ResolvedSource[] = Array.from({ length: this.rnd.int(4) }, (_, n) => {
      const missing = this.rnd.chance(0.08);
      return source(`doc-${n}`, missing ? undefined : this.document(), missing ? { optional: true, missing: 'object' } : {});
    });
    // Grouped typed → quoted → literal, the order in which helm applies --set, --set-string, --set-literal.
    const modes = Array.from({ length: this.rnd.int(4) }, () => this.rnd.pick(['typed', 'typed', 'string', 'literal'] as const))
      .sort((p, q) => MODE_ORDER[p] - MODE_ORDER[q]);
    const targets = modes.map((mode, n) =>
      source(`tp-${n}`, this.targetValue(mode), { targetPath: this.targetPath(), ...(mode === 'literal' ? { literal: true } : {}) }),
    );
    // Interleave the targetPath entries among the documents, keeping the order within each.
    const sources: ResolvedSource[] = [];
    while (documents.length + targets.length > 0) {
      const from = targets.length === 0 || (documents.length > 0 && this.rnd.chance(0.5)) ? documents : targets;
      sources.push(from.shift() as ResolvedSource);
    }
    return { id, sources, inline: this.rnd.chance(0.5) ? this.inlineMap(0) : undefined };
  }
}

const MODE_ORDER = { typed: 0, string: 1, literal: 2 } as const;

function source(name: string, content: string | undefined, extra: Partial<ResolvedSource>): ResolvedSource {
  return { kind: 'ConfigMap', namespace: 'differential', name, valuesKey: 'values.yaml', content, optional: false, ...extra };
}

function render(node: YNode, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (node.t === 'map' && !node.flow) {
    return node.entries.flatMap(([key, value]) => entry(`${pad}${key}:`, value, indent));
  }
  if (node.t === 'seq' && !node.flow) return node.items.flatMap((item) => entry(`${pad}-`, item, indent));
  return [`${pad}${inline(node)}`];
}

function entry(head: string, value: YNode, indent: number): string[] {
  switch (value.t) {
    case 'scalar':
      return [`${head} ${value.text}`];
    case 'block':
      return [`${head} ${value.header}`, ...value.lines.map((l) => (l === '' ? '' : `${' '.repeat(indent + 2)}${l}`))];
    default:
      if (value.flow) return [`${head} ${inline(value)}`];
      if ((value.t === 'map' ? value.entries.length : value.items.length) === 0) return [`${head} ${value.t === 'map' ? '{}' : '[]'}`];
      return [head, ...render(value, indent + 2)];
  }
}

function inline(node: YNode): string {
  switch (node.t) {
    case 'scalar':
      return node.text;
    case 'block':
      throw new Error('a block scalar cannot be written in flow style');
    case 'map':
      return `{${node.entries.map(([k, v]) => `${k}: ${inline(v)}`).join(', ')}}`;
    case 'seq':
      return `[${node.items.map(inline).join(', ')}]`;
  }
}

// ---- the two renders ---------------------------------------------------------------------------

/** JSON as YAML that go-yaml v2 reads back exactly: every character outside printable ASCII escaped. */
function jsonForYaml(values: ValuesMap): string {
  return JSON.stringify(values).replace(/[^\x20-\x7e]/gu, (ch) => {
    const cp = ch.codePointAt(0) ?? 0;
    return cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
  });
}

/** Flux's rule, written out again here: a text in quotes goes to --set-string without them. */
function setFlag(s: ResolvedSource, content: string): string {
  const path = s.targetPath ?? '';
  if (s.literal === true) return `--set-literal=${path}=${content}`;
  const quoted = (content.startsWith('"') && content.endsWith('"')) || (content.startsWith("'") && content.endsWith("'"));
  return quoted ? `--set-string=${path}=${content.replace(/^['"]+|['"]+$/g, '')}` : `--set=${path}=${content}`;
}

/** A rejection's category: a document helm cannot read, or a targetPath (--set flag) it cannot set. */
type Rejection = 'document' | 'targetPath' | 'other';
type Outcome = { kind: 'rendered'; text: string } | { kind: 'rejected'; category: Rejection; why: string };

async function template(helm: Helm, chart: string, args: string[]): Promise<Outcome> {
  const result = await helm(['template', 'differential', chart, ...args], { check: false, timeoutMs: 60_000 });
  if (result.exitCode === 0) return { kind: 'rendered', text: result.stdout };
  const why = result.stderr.trim().split('\n').pop() ?? '';
  const category = /failed parsing --set/.test(why) ? 'targetPath' : /failed to parse/.test(why) ? 'document' : 'other';
  return { kind: 'rejected', category, why };
}

function sameOutcome(ours: Outcome, theirs: Outcome): boolean {
  if (ours.kind === 'rendered') return theirs.kind === 'rendered' && ours.text === theirs.text;
  return theirs.kind === 'rejected' && ours.category === theirs.category;
}

async function renderCapstan(helm: Helm, chart: string, dir: string, c: Case): Promise<Outcome> {
  let composed: ValuesMap;
  try {
    composed = composeValues(c.sources, c.inline).values;
  } catch (err) {
    if (err instanceof TargetPathError) return { kind: 'rejected', category: 'targetPath', why: err.message };
    if (err instanceof ValuesDocumentError) return { kind: 'rejected', category: 'document', why: err.message };
    if (err instanceof ValuesError) return { kind: 'rejected', category: 'other', why: err.message };
    throw err;
  }
  const file = join(dir, 'composed.yaml');
  await writeFile(file, serialiseValues(composed));
  return template(helm, chart, ['-f', file]);
}

async function renderHelm(helm: Helm, chart: string, dir: string, c: Case): Promise<Outcome> {
  const files: string[] = [];
  const flags: string[] = [];
  for (const [n, s] of c.sources.entries()) {
    if (s.content === undefined) continue; // a missing optional source is left out
    if (s.targetPath !== undefined) {
      flags.push(setFlag(s, s.content));
      continue;
    }
    const file = join(dir, `source-${n}.yaml`);
    await writeFile(file, s.content);
    files.push('-f', file);
  }
  if (c.inline !== undefined) {
    const file = join(dir, 'inline.yaml');
    await writeFile(file, jsonForYaml(c.inline));
    files.push('-f', file);
  }
  return template(helm, chart, [...files, ...flags]);
}

function describeCase(c: Case): string {
  const sources = c.sources.map((s) =>
    s.content === undefined ? `  ${s.name}: missing (optional)` : s.targetPath !== undefined ? `  ${s.name}: ${setFlag(s, s.content)}` : `  ${s.name}:\n${s.content.replace(/^/gm, '    | ')}`,
  );
  return [`case ${c.id}:`, ...sources, `  inline: ${c.inline === undefined ? '-' : JSON.stringify(c.inline)}`].join('\n');
}

function describeOutcome(o: Outcome): string {
  return o.kind === 'rendered' ? (/values\.json: (.*)/.exec(o.text)?.[1] ?? o.text) : `rejected (${o.category}): ${o.why}`;
}

describe('values composition against the real helm', () => {
  const generator = new Generator(SEED);
  const cases = Array.from({ length: CASES }, (_, id) => generator.case(id));
  let root: string;
  let chart: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'capstan-values-differential-'));
    chart = join(root, 'chart');
    await mkdir(join(chart, 'templates'), { recursive: true });
    await writeFile(join(chart, 'Chart.yaml'), CHART_YAML);
    await writeFile(join(chart, 'values.yaml'), CHART_VALUES);
    await writeFile(join(chart, 'templates', 'values.yaml'), TEMPLATE);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  for (const major of HELM_MAJORS) {
    it(`renders what ${major.name} renders from the same sources given as -f and --set flags`, { timeout: 300_000 }, async (t) => {
      const helm = await isolatedHelm(major);
      const version = (await helm(['version', '--template', '{{.Version}}'])).stdout.trim();
      const mismatches: string[] = [];
      let rendered = 0;
      const rejected: Record<Rejection, number> = { document: 0, targetPath: 0, other: 0 };

      await inPool(cases, CONCURRENCY, async (c) => {
        const dir = join(root, `${major.name.replace(' ', '')}-c${c.id}`);
        await mkdir(dir);
        const [ours, theirs] = [await renderCapstan(helm, chart, dir, c), await renderHelm(helm, chart, dir, c)];
        const same = sameOutcome(ours, theirs);
        if (same && ours.kind === 'rendered') rendered++;
        if (same && ours.kind === 'rejected') rejected[ours.category]++;
        if (!same) mismatches.push(`${describeCase(c)}\n  capstan: ${describeOutcome(ours)}\n  helm:    ${describeOutcome(theirs)}`);
      });

      const identical = cases.length - mismatches.length;
      const line = `values differential: ${cases.length} cases, ${identical} identical (helm ${version})`;
      console.log(line);
      t.diagnostic(line);
      t.diagnostic(`${rendered} rendered alike; rejected by both: ${rejected.document} for a document, ${rejected.targetPath} for a targetPath, ${rejected.other} otherwise`);

      assert.ok(cases.length >= 100, 'at least 100 cases');
      assert.ok(rendered >= cases.length * 0.7, `only ${rendered} of ${cases.length} cases rendered: the cases no longer test much`);
      assert.equal(mismatches.length, 0, `capstan and helm ${version} differ on ${mismatches.length} cases:\n${mismatches.join('\n\n')}`);
    });
  }
});
