// Values that came from a Secret are shown as a mask: the CLI may show their shape, never them.
import { dump, load } from 'js-yaml';
import type { ValuesReference } from '../api/helmrelease.ts';

export const MASK = '*****';

/** Every scalar of a Secret's values, as text: what must never be printed. */
export function secretStrings(content: string, ref: Pick<ValuesReference, 'targetPath'>): string[] {
  if (ref.targetPath !== undefined) return [content];
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(walk);
    else if (v !== null && v !== undefined) found.push(typeof v === 'string' ? v : JSON.stringify(v));
  };
  try {
    walk(load(content));
  } catch {
    found.push(content);
  }
  return found;
}

/**
 * Replaces every occurrence of the given secrets (and of their base64 form, as a Secret manifest
 * carries them) by the mask. Very short values (booleans, small numbers) are left: masking every
 * "1" would make the diff unreadable and they reveal nothing.
 */
export function redact(text: string, secrets: readonly string[]): string {
  const needles = [...new Set(secrets.filter((s) => s.length >= 4).flatMap((s) => [s, Buffer.from(s).toString('base64')]))]
    .sort((a, b) => b.length - a.length);
  let out = text;
  for (const needle of needles) out = out.split(needle).join(MASK);
  return out;
}

function maskLeaves(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskLeaves);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskLeaves(v)]));
  return value === null ? null : MASK;
}

/** The Secret's content with every leaf masked (a targetPath source is one value: masked whole). */
export function maskValues(content: string, ref: Pick<ValuesReference, 'targetPath'>): string {
  if (ref.targetPath !== undefined) return MASK;
  try {
    return dump(maskLeaves(load(content)));
  } catch {
    // Not YAML: composing fails the same way with the real content, and says so.
    return content;
  }
}
