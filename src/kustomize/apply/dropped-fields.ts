// Which fields of an object a server-side apply dry run dropped. Just after a CRD's schema
// changes, the API server still judges its custom resources by the old one for a moment and
// prunes the fields only the new one knows: a dry run then says "unchanged" for an object that
// does change. Pure.
import type { KubeObject } from '../../kube/resource.ts';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * JSON pointers of the fields `desired` sets that the dry run's `result` lacks. A list counts as
 * one field; null removes a field, so it is never missing; `status` is not applied with the
 * object, so it is not looked at.
 */
export function droppedFields(desired: KubeObject, result: KubeObject): string[] {
  const { status: _status, ...fields } = desired as KubeObject & { status?: unknown };
  return missing(fields, result, '');
}

function missing(desired: unknown, result: unknown, at: string): string[] {
  if (!isObject(desired) || !isObject(result)) return [];
  return Object.entries(desired).flatMap(([key, value]) => {
    if (value === null || value === undefined) return [];
    const path = `${at}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    return key in result ? missing(value, result[key], path) : [path];
  });
}
