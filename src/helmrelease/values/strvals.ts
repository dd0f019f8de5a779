// Helm's `--set` parser (helm.sh/helm pkg/strvals), rule for rule, because a targetPath must land
// exactly where `helm --set path=value` would put it. One line `path=value[,path=value…]` is parsed
// into `dest`, which is changed in place, as helm does.
//
// - mode 'typed' (`--set`): `\` escapes the next character in keys and values; `,` ends a value;
//   `{a,b}` is a list; true/false/null (any case) and decimal int64s without a leading 0 are typed,
//   everything else is a string.
// - mode 'string' (`--set-string`): the same syntax, every value a string.
// - mode 'literal' (`--set-literal`): the rest of the line after the first `=` is one string; keys
//   end only at `=`, `.` and `[`, and `\` is an ordinary character.
//
// Quirks kept on purpose (helm 3.17 and 4.1 agree on all of them): `{}` is [""], an empty key is
// ignored, `a[3]=x` on a missing or shorter list pads it with nulls, `a[0].b` replaces a non-map
// element with a map, `null` is stored as null (the chart default then disappears). One deliberate
// difference: an index that is never closed (`a[1=x`) is an error, as in helm 3, where helm 4
// silently stops.
import { getKey, isValuesMap, setKey, type Value, type ValuesMap } from './value.ts';

export type SetMode = 'typed' | 'string' | 'literal';

/** helm's limits (strvals.MaxIndex, strvals.MaxNestedNameLevel). */
export const MAX_INDEX = 65_536;
export const MAX_NESTED_NAME_LEVEL = 30;

/** A line helm would reject; `redacted` is the same message without any text taken from the line. */
export class StrvalsError extends Error {
  override readonly name = 'StrvalsError';
  readonly redacted: string;

  constructor(parts: readonly (string | { quoted: string })[]) {
    super(parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p.quoted))).join(''));
    this.redacted = parts.map((p) => (typeof p === 'string' ? p : '"…"')).join('');
  }
}

/** io.EOF: the line ended where helm stops quietly. */
const EOF = Symbol('EOF');
type Eof = typeof EOF;

/** Parses one set line into `dest`; throws StrvalsError where helm fails. */
export function parseSetLine(line: string, dest: ValuesMap, mode: SetMode): void {
  const parser = new Parser(line, mode);
  while (parser.key(dest, 0) !== EOF) {
    // One assignment per round, until the line is used up.
  }
}

class Parser {
  private readonly runes: string[];
  private pos = 0;
  private readonly mode: SetMode;

  constructor(line: string, mode: SetMode) {
    this.runes = Array.from(line);
    this.mode = mode;
  }

  /** Reads up to a stop rune: [text, the stop rune], or [text, EOF] at the end of the line. */
  private until(stop: string): [string[], string | Eof] {
    const out: string[] = [];
    for (;;) {
      const r = this.runes[this.pos++];
      if (r === undefined) return [out, EOF];
      if (stop.includes(r)) return [out, r];
      if (r === '\\' && this.mode !== 'literal') {
        const next = this.runes[this.pos++];
        if (next === undefined) return [out, EOF];
        out.push(next);
        continue;
      }
      out.push(r);
    }
  }

  key(data: ValuesMap, level: number): undefined | Eof {
    const stop = this.mode === 'literal' ? '=[.' : '=[,.';
    const [runes, last] = this.until(stop);
    const k = runes.join('');
    if (last === EOF) {
      if (k === '') return EOF;
      throw new StrvalsError(['key ', { quoted: k }, ' has no value']);
    }
    switch (last) {
      case '[': {
        const i = this.index();
        const existing = getKey(data, k);
        const list = existing === undefined ? [] : expectList(existing);
        const result = this.listItem(list, i, level);
        set(data, k, result.list);
        return result.eof;
      }
      case '=':
        return this.assign(data, k);
      case ',':
        throw new StrvalsError(['key ', { quoted: k }, ' has no value (cannot end with ,)']);
      default: {
        // '.': descend into (or create) the map under k.
        if (level + 1 > MAX_NESTED_NAME_LEVEL) {
          throw new StrvalsError([`value name nested level is greater than maximum supported nested level of ${MAX_NESTED_NAME_LEVEL}`]);
        }
        const existing = getKey(data, k);
        const inner = existing === undefined ? {} : expectMap(existing);
        const eof = this.key(inner, level + 1);
        const filled = Object.keys(inner).length > 0;
        if (eof === undefined && !filled) throw new StrvalsError(['key map ', { quoted: k }, ' has no value']);
        if (filled) set(data, k, inner);
        return eof;
      }
    }
  }

  /** After `key=`: the value, a `{…}` list or (literal) the rest of the line. */
  private assign(data: ValuesMap, k: string): undefined | Eof {
    if (this.mode === 'literal') {
      set(data, k, this.rest());
      return undefined;
    }
    const list = this.valueList();
    if (list === EOF) {
      set(data, k, '');
      return EOF;
    }
    set(data, k, list ?? this.value());
    return undefined;
  }

  /** The value after `[i]`: another index, a nested key, or `=value`. */
  private listItem(list: Value[], i: number, level: number): { list: Value[]; eof?: Eof } {
    if (i < 0) throw new StrvalsError([`negative ${i} index not allowed`]);
    const [runes, last] = this.until('[.=');
    if (runes.length > 0) {
      throw new StrvalsError(['unexpected data at end of array index: [', ...runes.flatMap((r, n) => [n > 0 ? ' ' : '', { quoted: r }]), ']']);
    }
    if (last === EOF) return { list, eof: EOF };
    if (last === '=') {
      if (this.mode === 'literal') return { list: setIndex(list, i, this.rest()) };
      const values = this.valueList();
      if (values === EOF) return { list: setIndex(list, i, '') };
      return { list: setIndex(list, i, values ?? this.value()) };
    }
    if (last === '[') {
      const next = this.index();
      const existing = i < list.length ? list[i] : null;
      const nested = existing === null || existing === undefined ? [] : expectList(existing);
      const result = this.listItem(nested, next, level);
      if (result.eof) return { list, eof: EOF };
      return { list: setIndex(list, i, result.list) };
    }
    // '.': a map inside the list. helm replaces an element that is not a map with an empty map.
    let inner: ValuesMap = {};
    if (i < list.length) {
      const existing = list[i];
      if (isValuesMap(existing)) {
        inner = existing;
      } else {
        list[i] = inner;
      }
    }
    if (this.key(inner, level) === EOF) return { list, eof: EOF };
    return { list: setIndex(list, i, inner) };
  }

  /** `[` was read: the index up to `]`, parsed like Go's strconv.Atoi. */
  private index(): number {
    const [runes, last] = this.until(']');
    if (last === EOF) throw new StrvalsError(['error parsing index: EOF (the [ is never closed)']);
    const text = runes.join('');
    if (!/^[+-]?[0-9]+$/.test(text)) throw new StrvalsError(['error parsing index: strconv.Atoi: parsing ', { quoted: text }, ': invalid syntax']);
    const n = BigInt(text);
    if (n > 2n ** 63n - 1n || n < -(2n ** 63n)) {
      throw new StrvalsError(['error parsing index: strconv.Atoi: parsing ', { quoted: text }, ': value out of range']);
    }
    return Number(n);
  }

  /** A plain value up to `,` or the end of the line. */
  private value(): Value {
    const [runes] = this.until(',');
    return typedValue(runes.join(''), this.mode === 'string');
  }

  /** `{a,b}` → a list, undefined when the value is not a list, EOF when nothing follows `=`. */
  private valueList(): Value[] | undefined | Eof {
    const first = this.runes[this.pos];
    if (first === undefined) {
      this.pos++;
      return EOF;
    }
    if (first !== '{') return undefined;
    this.pos++;
    const list: Value[] = [];
    for (;;) {
      const [runes, last] = this.until(',}');
      if (last === EOF) throw new StrvalsError(["list must terminate with '}'"]);
      list.push(typedValue(runes.join(''), this.mode === 'string'));
      if (last === '}') {
        // A `,` right after the list is consumed; anything else starts the next key.
        if (this.runes[this.pos] === ',') this.pos++;
        return list;
      }
    }
  }

  private rest(): string {
    const text = this.runes.slice(this.pos).join('');
    this.pos = this.runes.length;
    return text;
  }
}

/** strvals.typedVal: what `--set` makes of a value. */
export function typedValue(text: string, forceString: boolean): Value {
  if (forceString) return text;
  if (equalFold(text, 'true')) return true;
  if (equalFold(text, 'false')) return false;
  if (equalFold(text, 'null')) return null;
  if (text === '0') return 0;
  // A decimal int64 that does not start with 0 (helm keeps "007" a string). helm holds it as an
  // int64; values reach helm through a file, where every number is a float64, so a number beyond
  // 2^53 is rounded here exactly as helm rounds it when reading the file.
  if (text !== '' && !text.startsWith('0') && /^[+-]?[0-9]+$/.test(text)) {
    const n = BigInt(text);
    if (n <= 2n ** 63n - 1n && n >= -(2n ** 63n)) return Number(n);
  }
  return text;
}

/** Go's strings.EqualFold against a lowercase ASCII word ("ſ", U+017F, folds to "s"). */
function equalFold(text: string, word: string): boolean {
  return text.length === word.length && text.replaceAll('ſ', 's').toLowerCase() === word;
}

function set(data: ValuesMap, key: string, value: Value): void {
  if (key !== '') setKey(data, key, value);
}

function setIndex(list: Value[], index: number, value: Value): Value[] {
  if (index < 0) throw new StrvalsError([`negative ${index} index not allowed`]);
  if (index > MAX_INDEX) throw new StrvalsError([`index of ${index} is greater than maximum supported index of ${MAX_INDEX}`]);
  while (list.length <= index) list.push(null);
  list[index] = value;
  return list;
}

function expectList(value: Value): Value[] {
  if (Array.isArray(value)) return value;
  throw new StrvalsError([`unable to parse key: interface conversion: interface {} is ${goType(value)}, not []interface {}`]);
}

function expectMap(value: Value): ValuesMap {
  if (isValuesMap(value)) return value;
  throw new StrvalsError([`unable to parse key: interface conversion: interface {} is ${goType(value)}, not map[string]interface {}`]);
}

function goType(value: Value): string {
  if (value === null) return 'nil';
  if (Array.isArray(value)) return '[]interface {}';
  switch (typeof value) {
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(value) ? 'int64' : 'float64';
    case 'string':
      return 'string';
    default:
      return 'map[string]interface {}';
  }
}
