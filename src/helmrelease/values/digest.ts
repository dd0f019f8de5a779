// The values digest: sha256 over canonical JSON (keys sorted at every level, no whitespace), so that
// equal values give equal digests whatever order their keys were written or merged in.
import { createHash } from 'node:crypto';
import { isValuesMap, type Value } from './value.ts';

export function valuesDigest(values: Value): string {
  return `sha256:${createHash('sha256').update(canonicalJson(values)).digest('hex')}`;
}

export function canonicalJson(value: Value): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isValuesMap(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] ?? null)}`).join(',')}}`;
  }
  // -0 is kept apart from 0: helm renders them differently ("-0" and "0").
  if (typeof value === 'number' && Object.is(value, -0)) return '-0';
  return JSON.stringify(value);
}
