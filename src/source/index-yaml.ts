// Reads a YAML index.yaml straight from js-yaml's event stream, taking only the fields that
// resolution and download need. No JavaScript object is built for descriptions, annotations and
// the rest, which keeps a 17 MB index within its time and memory budget. No tag is ever
// constructed (values are read as text, as helm reads them into its string fields), so custom
// tags are inert. Aliases are followed, but only after a pass that counts the nodes they would
// expand to: an alias bomb is refused before anything is expanded.
import * as yaml from 'js-yaml';
import { IndexationError } from './errors.ts';
import { IndexBuilder, type ParsedIndex, type RawChartVersion } from './index-normalise.ts';

const { ALIAS, DOCUMENT, MAPPING, POP, SCALAR, SEQUENCE } = yaml.EVENT_ID;

/** How deep collections may nest; an index needs 5 levels, charts' dependencies a few more. */
const MAX_DEPTH = 64;
/** Aliases may grow a document to at most this many times its written nodes (plus a small allowance). */
const ALIAS_EXPANSION_FACTOR = 2;
const ALIAS_EXPANSION_ALLOWANCE = 10_000;

interface Doc {
  text: string;
  events: yaml.Event[];
  /** For a collection's start event: the index of its closing POP. */
  end: Int32Array;
  /** For an alias event: the index of the node it refers to. */
  target: Int32Array;
}

export function readYamlIndex(text: string): ParsedIndex {
  const doc = analyse(text);
  const builder = new IndexBuilder();
  const root = firstDocumentRoot(doc);
  if (root === undefined || kind(doc, root) !== MAPPING) {
    throw new IndexationError(`the repository index is not a YAML mapping with apiVersion and entries${root === undefined ? ' (the document is empty)' : ''}: is the URL the repository's root?`);
  }
  for (const [key, value] of pairs(doc, root)) {
    if (key === 'apiVersion') builder.apiVersion = scalarText(doc, value);
    else if (key === 'generated') builder.generated = scalarText(doc, value);
    else if (key === 'entries') readEntries(doc, value, builder);
  }
  return builder.finish();
}

function analyse(text: string): Doc {
  let events: yaml.Event[];
  try {
    events = yaml.parseEvents(text, { maxDepth: MAX_DEPTH });
  } catch (err) {
    throw new IndexationError(`the repository index is not valid YAML: ${yamlProblem(err)}`, { cause: err });
  }
  const end = new Int32Array(events.length).fill(-1);
  const target = new Int32Array(events.length).fill(-1);
  // One pass: match collections with their POP, bind aliases to the latest anchor of that name,
  // and add up the nodes each collection expands to, refusing as soon as one grows past the budget.
  const budget = ALIAS_EXPANSION_FACTOR * events.length + ALIAS_EXPANSION_ALLOWANCE;
  const anchors = new Map<string, number>();
  const size = new Float64Array(events.length);
  const open: number[] = [];
  const add = (nodes: number) => {
    const parent = open.at(-1);
    if (parent === undefined) return;
    const total = (size[parent] ?? 0) + nodes;
    if (total > budget) {
      throw new IndexationError(`the repository index uses YAML aliases that expand to more than ${budget} nodes (an alias bomb?): it was refused without expanding it`);
    }
    size[parent] = total;
  };
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    if (event === undefined) break;
    switch (event.type) {
      case DOCUMENT:
        size[i] = 1;
        open.push(i);
        break;
      case MAPPING:
      case SEQUENCE:
        size[i] = 1;
        bindAnchor(text, event, i, anchors);
        open.push(i);
        break;
      case SCALAR:
        size[i] = 1;
        bindAnchor(text, event, i, anchors);
        add(1);
        break;
      case ALIAS: {
        const name = text.slice(event.anchorStart, event.anchorEnd);
        const node = anchors.get(name);
        if (node === undefined) throw new IndexationError(`the repository index is not valid YAML: alias *${name} refers to no anchor`);
        if (events[node]?.type !== SCALAR && end[node] === -1) {
          throw new IndexationError(`the repository index is not valid YAML: alias *${name} refers to a collection that contains it`);
        }
        target[i] = node;
        add(size[node] ?? 1);
        break;
      }
      case POP: {
        const start = open.pop();
        if (start !== undefined) {
          end[start] = i;
          add(size[start] ?? 1);
        }
        break;
      }
    }
  }
  return { text, events, end, target };
}

function bindAnchor(text: string, event: yaml.MappingEvent | yaml.SequenceEvent | yaml.ScalarEvent, index: number, anchors: Map<string, number>): void {
  if (event.anchorStart !== -1) anchors.set(text.slice(event.anchorStart, event.anchorEnd), index);
}

function yamlProblem(err: unknown): string {
  if (err instanceof yaml.YAMLException) {
    const mark = err.mark;
    return mark ? `${err.reason} at line ${mark.line + 1}, column ${mark.column + 1}` : err.reason;
  }
  return err instanceof Error ? err.message : String(err);
}

function firstDocumentRoot(doc: Doc): number | undefined {
  // Like helm (go-yaml), only the first document counts.
  const first = doc.events[1];
  return first === undefined || first.type === POP ? undefined : resolve(doc, 1);
}

function resolve(doc: Doc, i: number): number {
  return doc.events[i]?.type === ALIAS ? (doc.target[i] ?? i) : i;
}

function kind(doc: Doc, i: number): yaml.EventId | undefined {
  return doc.events[resolve(doc, i)]?.type;
}

/** The index of the node after the one at i (skipping a whole collection). */
function next(doc: Doc, i: number): number {
  const t = doc.events[i]?.type;
  return t === MAPPING || t === SEQUENCE ? (doc.end[i] ?? i) + 1 : i + 1;
}

function* items(doc: Doc, sequence: number): Generator<number> {
  const start = resolve(doc, sequence);
  for (let i = start + 1; doc.events[i]?.type !== POP && i < doc.events.length; i = next(doc, i)) yield i;
}

/** Key/value pairs of a mapping, merge keys (<<) applied: explicit keys win over merged ones. */
function pairs(doc: Doc, mapping: number): Map<string, number> {
  const out = new Map<string, number>();
  const merges: number[] = [];
  const start = resolve(doc, mapping);
  for (let i = start + 1; doc.events[i]?.type !== POP && i < doc.events.length;) {
    const value = next(doc, i);
    const key = scalarText(doc, i);
    const keyEvent = doc.events[i];
    if (key === '<<' && keyEvent?.type === SCALAR && keyEvent.style === yaml.SCALAR_STYLE.PLAIN) merges.push(value);
    else if (key !== undefined) out.set(key, value);
    i = next(doc, value);
  }
  for (const merge of merges) {
    const sources = kind(doc, merge) === SEQUENCE ? [...items(doc, merge)] : [merge];
    for (const source of sources) {
      if (kind(doc, source) !== MAPPING) continue;
      for (const [key, value] of pairs(doc, source)) if (!out.has(key)) out.set(key, value);
    }
  }
  return out;
}

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);

/** A scalar's text; undefined for null, for a collection, or for a missing node. */
function scalarText(doc: Doc, i: number): string | undefined {
  const event = doc.events[resolve(doc, i)];
  if (event?.type !== SCALAR) return undefined;
  const value = yaml.getScalarValue(doc.text, event);
  if (event.style === yaml.SCALAR_STYLE.PLAIN && event.tagStart === -1 && NULLS.has(value)) return undefined;
  return value;
}

function isNull(doc: Doc, i: number): boolean {
  return kind(doc, i) === SCALAR && scalarText(doc, i) === undefined;
}

function readEntries(doc: Doc, entries: number, builder: IndexBuilder): void {
  if (isNull(doc, entries)) return;
  if (kind(doc, entries) !== MAPPING) throw new IndexationError('the repository index\'s entries is not a mapping of chart names to versions');
  for (const [name, list] of pairs(doc, entries)) {
    if (isNull(doc, list)) {
      builder.chart(name);
      continue;
    }
    if (kind(doc, list) !== SEQUENCE) {
      builder.drop(`chart ${JSON.stringify(name)}: its entry is not a list of versions`);
      continue;
    }
    const versions = builder.chart(name);
    for (const item of items(doc, list)) {
      if (kind(doc, item) !== MAPPING) {
        builder.drop(`chart ${JSON.stringify(name)}: ${isNull(doc, item) ? 'empty entry' : 'an entry is not a mapping'}`);
        continue;
      }
      builder.version(versions, name, readVersion(doc, item));
    }
  }
}

const SCALAR_FIELDS = ['apiVersion', 'name', 'version', 'type', 'created', 'digest'] as const;

function readVersion(doc: Doc, mapping: number): RawChartVersion {
  const raw: RawChartVersion = {};
  const fields = pairs(doc, mapping);
  for (const field of SCALAR_FIELDS) {
    const value = fields.get(field);
    if (value === undefined) continue;
    if (kind(doc, value) !== SCALAR) raw.malformed = `${field} is not a string`;
    else raw[field] = scalarText(doc, value);
  }
  const urls = fields.get('urls');
  if (urls !== undefined && !isNull(doc, urls)) raw.urls = readStrings(doc, urls, 'urls', raw);
  const maintainers = fields.get('maintainers');
  if (maintainers !== undefined && kind(doc, maintainers) === SEQUENCE) {
    for (const m of items(doc, maintainers)) if (isNull(doc, m)) raw.malformed = 'maintainers must not contain empty or null nodes';
  }
  const dependencies = fields.get('dependencies');
  if (dependencies !== undefined && kind(doc, dependencies) === SEQUENCE) {
    raw.dependencyAliases = [];
    for (const d of items(doc, dependencies)) {
      if (kind(doc, d) !== MAPPING) raw.malformed = 'dependencies must not contain empty or null nodes';
      else {
        const alias = pairs(doc, d).get('alias');
        raw.dependencyAliases.push(alias === undefined ? undefined : scalarText(doc, alias));
      }
    }
  }
  return raw;
}

function readStrings(doc: Doc, sequence: number, field: string, raw: RawChartVersion): string[] {
  if (kind(doc, sequence) !== SEQUENCE) {
    raw.malformed = `${field} is not a list of strings`;
    return [];
  }
  const out: string[] = [];
  for (const item of items(doc, sequence)) {
    const text = kind(doc, item) === SCALAR ? scalarText(doc, item) : undefined;
    if (text === undefined) raw.malformed = `${field} is not a list of strings`;
    else out.push(text);
  }
  return out;
}
