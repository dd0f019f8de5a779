// Reads a values document the way helm reads a values file, so that a document merged by capstan
// means what it would mean given to helm with -f. helm reads values with sigs.k8s.io/yaml: go-yaml v2
// (YAML 1.1 scalars: yes/no/on/off/y/n are booleans, 0x1F and 017 are ints, 1_000 is 1000, a
// timestamp stays a string), then non-string keys become strings (1.5 → "1.5", yes → "true", null
// is refused), then JSON (every number a float64; NaN and ±Inf are refused), then Go maps. js-yaml
// parses the text into events; the rules of go-yaml v2 are applied here, not js-yaml's YAML 1.2 ones.
import { EVENT_ID, getScalarValue, parseEvents, SCALAR_STYLE, YAMLException, type DocumentDirective, type Event } from 'js-yaml';
import { formatFloat32, goUtf8Decode, parseGoFloatDot, parseGoInteger, YAML_STYLE_FLOAT } from './go-scalars.ts';
import { cloneValue, isValuesMap, setKey, type Value, type ValuesMap } from './value.ts';

/** Why a document cannot be read; `redacted` leaves out every piece of the document's text. */
export class YamlReadError extends Error {
  override readonly name = 'YamlReadError';
  readonly redacted: string;
  /** 1-based, when the problem is at a place in the text. */
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(message: string, redacted: string, where?: { line: number; column: number }) {
    super(message);
    this.redacted = redacted;
    this.line = where?.line;
    this.column = where?.column;
  }
}

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

/** A scalar as go-yaml v2 resolves it, before it becomes a key or a value. */
type Scalar =
  | { t: 'str'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'null' }
  | { t: 'int'; v: bigint }
  | { t: 'uint'; v: bigint }
  | { t: 'float'; v: number };

type Node =
  | { kind: 'scalar'; scalar: Scalar; merge: boolean }
  | { kind: 'value'; value: Value[] | ValuesMap; alias: boolean };

const TAG = 'tag:yaml.org,2002:';
const RESOLVABLE = new Set(['', `${TAG}str`, `${TAG}bool`, `${TAG}int`, `${TAG}float`, `${TAG}null`, `${TAG}timestamp`]);
const RESOLVE_MAP = new Map<string, Scalar>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((s): [string, Scalar] => [s, { t: 'bool', v: true }]),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((s): [string, Scalar] => [s, { t: 'bool', v: false }]),
  ...['', '~', 'null', 'Null', 'NULL'].map((s): [string, Scalar] => [s, { t: 'null' }]),
  ...['.nan', '.NaN', '.NAN'].map((s): [string, Scalar] => [s, { t: 'float', v: NaN }]),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s): [string, Scalar] => [s, { t: 'float', v: Infinity }]),
  ...['-.inf', '-.Inf', '-.INF'].map((s): [string, Scalar] => [s, { t: 'float', v: -Infinity }]),
]);

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
            setKey(map, keyString(key), valueOf(value));
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

/** go-yaml v2's resolve(tag, in), for a scalar; `implicit` = plain and untagged. */
function resolveScalar(tag: string, text: string, implicit: boolean): Scalar {
  if (tag === '' && !implicit) return { t: 'str', v: text };
  if (tag === `${TAG}binary`) return { t: 'str', v: decodeBinary(text) };
  if (!RESOLVABLE.has(tag)) return { t: 'str', v: text };
  const resolved = tag === `${TAG}str` ? ({ t: 'str', v: text } as const) : resolvePlain(text);
  if (tag === '' || tag === `${TAG}str`) return resolved;
  const wanted = tag.slice(TAG.length);
  if (wanted === 'timestamp' && resolved.t === 'str' && isTimestamp(text)) return resolved;
  if (wanted === resolved.t) return resolved;
  // !!float accepts what resolves to an int (not a uint).
  if (wanted === 'float' && resolved.t === 'int') return { t: 'float', v: Number(resolved.v) };
  throw new YamlReadError(`cannot decode !!${resolved.t} \`${text}\` as a !!${wanted}`, `a value cannot be decoded as a !!${wanted}`);
}

/** The implicit resolution of a plain scalar (go-yaml v2 resolve with an empty tag). */
function resolvePlain(text: string): Scalar {
  const c = text.charAt(0);
  const hint = text === '' ? 'N' : c === '+' || c === '-' ? 'S' : /[0-9]/.test(c) ? 'D' : 'yYnNtTfFoO~'.includes(c) ? 'M' : c === '.' ? '.' : '';
  if (hint === '') return { t: 'str', v: text };
  const known = RESOLVE_MAP.get(text);
  if (known) return known;
  if (hint === '.') {
    const v = parseGoFloatDot(text);
    return v === undefined ? { t: 'str', v: text } : { t: 'float', v };
  }
  if (hint === 'D' || hint === 'S') {
    // A timestamp would resolve to one, but go-yaml hands a timestamp to interface{} as its text,
    // and nothing that starts like one ("2001-") parses as a number: it stays a string either way.
    const plain = text.replaceAll('_', '');
    const int = parseGoInteger(plain, true);
    if (int !== undefined) return { t: 'int', v: int };
    const uint = parseGoInteger(plain, false);
    if (uint !== undefined) return { t: 'uint', v: uint };
    if (YAML_STYLE_FLOAT.test(plain)) {
      const v = Number(plain);
      if (Number.isFinite(v)) return { t: 'float', v };
    }
  }
  return { t: 'str', v: text };
}

/** go-yaml's timestamp layouts, for an explicit !!timestamp (the value stays a string). */
function isTimestamp(text: string): boolean {
  return /^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))|(?: \d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?))?$/.test(text);
}

/** !!binary: base64 (line breaks allowed), decoded to a string as Go's JSON encoder would write it. */
function decodeBinary(text: string): string {
  const compact = text.replace(/[\r\n]/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) {
    throw new YamlReadError('!!binary value contains invalid base64 data', '!!binary value contains invalid base64 data');
  }
  return goUtf8Decode(Buffer.from(compact, 'base64'));
}

/** A map key as sigs.k8s.io/yaml turns it into a JSON key. */
function keyString(node: Node): string {
  if (node.kind === 'value') {
    const why = 'a map key is a list or a map (yaml: invalid map key)';
    throw new YamlReadError(why, why);
  }
  const s = node.scalar;
  switch (s.t) {
    case 'str':
      return s.v;
    case 'bool':
      return String(s.v);
    case 'int':
      return s.v.toString();
    case 'float':
      return formatFloat32(s.v);
    case 'uint':
    case 'null': {
      const why = `a map key is ${s.t === 'null' ? 'null' : 'an unsigned integer beyond int64'} (unsupported map key)`;
      throw new YamlReadError(why, why);
    }
  }
}

/** A scalar as it ends up in helm's values after the JSON round trip. */
function valueOf(node: Node): Value {
  if (node.kind === 'value') return node.value;
  const s = node.scalar;
  switch (s.t) {
    case 'str':
    case 'bool':
      return s.v;
    case 'null':
      return null;
    case 'int':
    case 'uint':
      return Number(s.v);
    case 'float':
      if (!Number.isFinite(s.v)) {
        const why = `it holds ${Number.isNaN(s.v) ? 'NaN' : 'an infinite number'}, which helm cannot take as a value (json: unsupported value)`;
        throw new YamlReadError(why, why);
      }
      return s.v;
  }
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
