// Reads a values document the way helm reads a values file, so that a document merged by capstan
// means what it would mean given to helm with -f. helm reads values with sigs.k8s.io/yaml: go-yaml
// v2 (YAML 1.1), then non-string keys made strings, then JSON into Go maps. js-yaml only parses the
// text into events; this file builds the values from them as go-yaml v2 decodes a document
// (anchors, merge keys, duplicate keys, tags), and resolve-scalar.ts types the scalars.
import { EVENT_ID, getScalarValue, parseEvents, SCALAR_STYLE, YAMLException, type DocumentDirective, type Event } from 'js-yaml';
import { keyString, resolveScalar, scalarValue, TAG, type Scalar } from './resolve-scalar.ts';
import { cloneValue, isValuesMap, setKey, type Value, type ValuesMap } from './value.ts';
import { YamlReadError } from './yaml-error.ts';

/** Documents nest deeper than this only by accident (go-yaml v2 allows 10000). */
const MAX_DEPTH = 1000;

/** The values in `text`: {} for an empty document or `null`; a YamlReadError otherwise. */
export function readValuesDocument(text: string): ValuesMap {
  let events: Event[];
  try {
    events = parseEvents(text, { maxDepth: MAX_DEPTH });
  } catch (err) {
    if (!(err instanceof YAMLException)) throw err;
    const where = err.mark ? { line: err.mark.line + 1, column: err.mark.column + 1 } : undefined;
    const at = where ? ` at line ${where.line}, column ${where.column}` : '';
    throw new YamlReadError(`${err.reason}${at}`, `a syntax error${at}`, where);
  }
  const documents = new Constructor(text, events).documents();
  const present = documents.filter((d) => d !== null);
  if (present.length > 1) {
    // helm 3 reads only the first document of a values file and helm 4 merges them all.
    const why = `it holds ${present.length} YAML documents, which helm 3 and helm 4 read differently`;
    throw new YamlReadError(why, why);
  }
  const doc = present[0] ?? null;
  if (doc === null) return {};
  if (isValuesMap(doc)) return doc;
  const what = Array.isArray(doc) ? 'a list' : `a ${typeof doc}`;
  throw new YamlReadError(`it holds ${what}, not a map of values`, `it holds ${what}, not a map of values`);
}

type Node =
  | { kind: 'scalar'; scalar: Scalar; merge: boolean }
  | { kind: 'value'; value: Value[] | ValuesMap; alias: boolean };

class Constructor {
  private readonly text: string;
  private readonly events: Event[];
  private pos = 0;
  private anchors = new Map<string, Node>();
  private handles = new Map<string, string>();

  constructor(text: string, events: Event[]) {
    this.text = text;
    this.events = events;
  }

  documents(): (Value | null)[] {
    const out: (Value | null)[] = [];
    while (this.pos < this.events.length) {
      const start = this.next();
      if (start.type !== EVENT_ID.DOCUMENT) throw new Error(`js-yaml event ${start.type} outside a document`);
      this.anchors = new Map();
      this.handles = tagHandles(start.directives);
      checkYamlVersion(start.directives);
      const node = this.peek()?.type === EVENT_ID.POP ? undefined : this.node();
      this.next(); // the document's POP
      out.push(node === undefined ? null : valueOf(node));
    }
    return out;
  }

  private next(): Event {
    const event = this.events[this.pos++];
    if (event === undefined) throw new Error('js-yaml event stream ended early');
    return event;
  }

  private peek(): Event | undefined {
    return this.events[this.pos];
  }

  private slice(start: number, end: number): string | undefined {
    return start < 0 ? undefined : this.text.slice(start, end);
  }

  private node(): Node {
    const event = this.next();
    switch (event.type) {
      case EVENT_ID.ALIAS: {
        const name = this.text.slice(event.anchorStart, event.anchorEnd);
        const target = this.anchors.get(name);
        // go-yaml decodes the anchored node again at every alias: each alias is a fresh copy.
        if (target === undefined) throw new YamlReadError(`unknown anchor '${name}' referenced`, 'an alias to an unknown anchor');
        return target.kind === 'scalar' ? { ...target, merge: false } : { kind: 'value', value: cloneValue(target.value), alias: true };
      }
      case EVENT_ID.SCALAR: {
        if (event.style === SCALAR_STYLE.DOUBLE_QUOTED && /(?:^|[^\\])(?:\\\\)*\\\//.test(this.text.slice(event.valueStart, event.valueEnd))) {
          // "\/" is a YAML 1.2 escape; go-yaml v2 (YAML 1.1) refuses it.
          const why = 'found unknown escape character \\/ (YAML 1.1 has no such escape: write / alone)';
          throw new YamlReadError(why, why);
        }
        const raw = getScalarValue(this.text, event);
        const tag = this.tag(event.tagStart, event.tagEnd);
        const plain = event.style === SCALAR_STYLE.PLAIN;
        const node: Node = {
          kind: 'scalar',
          scalar: resolveScalar(tag ?? '', raw, plain && tag === undefined),
          // go-yaml's isMerge: a plain, untagged "<<" (or one tagged !!merge).
          merge: raw === '<<' && ((plain && tag === undefined) || tag === `${TAG}merge`),
        };
        this.anchor(event.anchorStart, event.anchorEnd, node);
        return node;
      }
      case EVENT_ID.SEQUENCE: {
        const items: Value[] = [];
        while (this.peek()?.type !== EVENT_ID.POP) items.push(valueOf(this.node()));
        this.next();
        const node: Node = { kind: 'value', value: items, alias: false };
        this.anchor(event.anchorStart, event.anchorEnd, node);
        return node;
      }
      case EVENT_ID.MAPPING: {
        const map: ValuesMap = {};
        while (this.peek()?.type !== EVENT_ID.POP) {
          const key = this.node();
          const value = this.node();
          if (key.kind === 'scalar' && key.merge) {
            mergeInto(map, value);
          } else {
            setKey(map, keyOf(key), valueOf(value));
          }
        }
        this.next();
        const node: Node = { kind: 'value', value: map, alias: false };
        this.anchor(event.anchorStart, event.anchorEnd, node);
        return node;
      }
      default:
        throw new Error(`unexpected js-yaml event ${event.type}`);
    }
  }

  private anchor(start: number, end: number, node: Node): void {
    const name = this.slice(start, end);
    if (name !== undefined) this.anchors.set(name, node);
  }

  /** The tag's full name ("tag:yaml.org,2002:int", "!local"), or undefined when there is none. */
  private tag(start: number, end: number): string | undefined {
    const text = this.slice(start, end);
    if (text === undefined) return undefined;
    if (text.startsWith('!<') && text.endsWith('>')) return text.slice(2, -1);
    const m = /^(![\w-]*!|!)(.*)$/s.exec(text);
    if (!m) return text;
    const handle = m[1] ?? '!';
    const prefix = this.handles.get(handle) ?? handle;
    return `${prefix}${decodeURIComponent(m[2] ?? '')}`;
  }
}

/**
 * go-yaml v2 reads YAML 1.1 and refuses a document that declares another version. (helm 4 also
 * refuses %YAML 1.1 and %TAG, which helm 3 and Flux read; capstan reads them, as helm 3 does.)
 */
function checkYamlVersion(directives: DocumentDirective[]): void {
  for (const d of directives) {
    if (d.kind === 'yaml' && d.version !== '1.1') {
      const why = `it declares %YAML ${d.version}, and helm reads only YAML 1.1 (found incompatible YAML document); remove the %YAML line`;
      throw new YamlReadError(why, why);
    }
  }
}

function tagHandles(directives: DocumentDirective[]): Map<string, string> {
  const handles = new Map([['!', '!'], ['!!', TAG]]);
  for (const d of directives) if (d.kind === 'tag') handles.set(d.handle, d.prefix);
  return handles;
}

/**
 * A merge key (`<<: *base` or `<<: [*a, *b]`) as go-yaml v2 applies it: where it stands in the
 * mapping, overwriting keys set before it; in a list, earlier maps win.
 */
function mergeInto(map: ValuesMap, node: Node): void {
  const wantMap = 'map merge requires map or sequence of maps as the value';
  if (node.kind === 'scalar') throw new YamlReadError(wantMap, wantMap);
  const sources = Array.isArray(node.value) ? (node.alias ? undefined : node.value) : [node.value];
  if (sources === undefined || !sources.every(isValuesMap)) throw new YamlReadError(wantMap, wantMap);
  for (const source of [...sources].reverse()) {
    for (const key of Object.keys(source)) setKey(map, key, source[key] ?? null);
  }
}

/** A map key: a scalar's JSON key; a list or a map cannot be one. */
function keyOf(node: Node): string {
  if (node.kind === 'scalar') return keyString(node.scalar);
  const why = 'a map key is a list or a map (yaml: invalid map key)';
  throw new YamlReadError(why, why);
}

function valueOf(node: Node): Value {
  return node.kind === 'value' ? node.value : scalarValue(node.scalar);
}
