// The composed values as the one values file handed to helm (-f). helm reads it with go-yaml v2
// (YAML 1.1), so nothing is left to its implicit typing: every key and every string is
// double-quoted ("yes", "0x1F", "~" and "" stay strings, `y:` stays the key "y"), and characters
// YAML would fold or refuse are escaped (line breaks, tabs, NEL, U+2028/U+2029, C0/C1 controls,
// DEL, BOM). Numbers are written so that Go parses back the same float64: -0 as -0.0 (a plain
// "-0" would be the int 0), large ones in the shortest form ("1e+21", "12345678901234567000").
// Keys are sorted, so equal values give byte-equal files.
import { isValuesMap, type Value, type ValuesMap } from './value.ts';

const MAX_IMPLICIT_KEY = 1000;

export function serialiseValues(values: ValuesMap): string {
  if (Object.keys(values).length === 0) return '{}\n';
  return `${mapLines(values, '').join('\n')}\n`;
}

function mapLines(map: ValuesMap, indent: string): string[] {
  const lines: string[] = [];
  for (const key of Object.keys(map).sort()) {
    const quoted = quote(key);
    if (quoted.length > MAX_IMPLICIT_KEY) {
      // YAML limits an implicit key to 1024 characters; a longer one needs the explicit `? key`.
      lines.push(`${indent}? ${quoted}`, ...entryLines(`${indent}:`, map[key] ?? null, `${indent}  `));
    } else {
      lines.push(...entryLines(`${indent}${quoted}:`, map[key] ?? null, `${indent}  `));
    }
  }
  return lines;
}

function listLines(list: Value[], indent: string): string[] {
  const lines: string[] = [];
  for (const item of list) lines.push(...entryLines(`${indent}-`, item, `${indent}  `));
  return lines;
}

/** `head` followed by the value: inline when it is a scalar or empty, else as a block below. */
function entryLines(head: string, value: Value, childIndent: string): string[] {
  if (Array.isArray(value)) {
    return value.length === 0 ? [`${head} []`] : [head, ...listLines(value, childIndent)];
  }
  if (isValuesMap(value)) {
    return Object.keys(value).length === 0 ? [`${head} {}`] : [head, ...mapLines(value, childIndent)];
  }
  return [`${head} ${scalar(value)}`];
}

function scalar(value: null | boolean | number | string): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return formatNumber(value);
  return quote(value);
}

/** A number as text that go-yaml v2 + Go's JSON decoding turn back into exactly this float64. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`${String(n)} cannot be written to a values file`);
  // String() gives the shortest round-trip digits: an integer below 2^63 or 2^64 is read as an
  // int/uint and converted, anything else as a float (go-yaml's yamlStyleFloat accepts "1e+21").
  return Object.is(n, -0) ? '-0.0' : String(n);
}

const NAMED_ESCAPES: Record<string, string> = {
  '\0': '\\0',
  '\x07': '\\a',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\v': '\\v',
  '\f': '\\f',
  '\r': '\\r',
  '\x1b': '\\e',
  '"': '\\"',
  '\\': '\\\\',
  '\x85': '\\N',
  '\u2028': '\\L',
  '\u2029': '\\P',
};

/** A YAML double-quoted scalar that go-yaml v2 reads back as exactly `text`. */
export function quote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const named = NAMED_ESCAPES[ch];
    if (named !== undefined) {
      out += named;
      continue;
    }
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
      out += `\\x${cp.toString(16).padStart(2, '0')}`;
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      // A lone surrogate cannot be written as UTF-8; Node would write U+FFFD in its place.
      out += '\\uFFFD';
    } else if (cp === 0xfeff || cp === 0xfffe || cp === 0xffff) {
      out += `\\u${cp.toString(16).toUpperCase()}`;
    } else {
      out += ch;
    }
  }
  return `${out}"`;
}
