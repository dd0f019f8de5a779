// go-yaml v2's scalar rules as helm meets them through sigs.k8s.io/yaml: how a scalar resolves
// (YAML 1.1: yes/no/on/off/y/n are booleans, 0x1F and 017 are ints, 1_000 is 1000, a timestamp
// stays its text), how a scalar key becomes a JSON key (1.5 → "1.5", yes → "true", null refused),
// and what a scalar value becomes after the JSON round trip (a float64; NaN and ±Inf refused).
import { formatFloat32, goUtf8Decode, parseGoFloatDot, parseGoInteger, YAML_STYLE_FLOAT } from './go-scalars.ts';
import type { Value } from './value.ts';
import { YamlReadError } from './yaml-error.ts';

/** A scalar as go-yaml v2 resolves it, before it becomes a key or a value. */
export type Scalar =
  | { t: 'str'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'null' }
  | { t: 'int'; v: bigint }
  | { t: 'uint'; v: bigint }
  | { t: 'float'; v: number };

export const TAG = 'tag:yaml.org,2002:';
const RESOLVABLE = new Set(['', `${TAG}str`, `${TAG}bool`, `${TAG}int`, `${TAG}float`, `${TAG}null`, `${TAG}timestamp`]);
const RESOLVE_MAP = new Map<string, Scalar>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((s): [string, Scalar] => [s, { t: 'bool', v: true }]),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((s): [string, Scalar] => [s, { t: 'bool', v: false }]),
  ...['', '~', 'null', 'Null', 'NULL'].map((s): [string, Scalar] => [s, { t: 'null' }]),
  ...['.nan', '.NaN', '.NAN'].map((s): [string, Scalar] => [s, { t: 'float', v: NaN }]),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s): [string, Scalar] => [s, { t: 'float', v: Infinity }]),
  ...['-.inf', '-.Inf', '-.INF'].map((s): [string, Scalar] => [s, { t: 'float', v: -Infinity }]),
]);

/** go-yaml v2's resolve(tag, in), for a scalar; `implicit` = plain and untagged. */
export function resolveScalar(tag: string, text: string, implicit: boolean): Scalar {
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
export function keyString(s: Scalar): string {
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
export function scalarValue(s: Scalar): Value {
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
