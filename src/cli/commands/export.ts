// `capstan export KIND NAME | --all`: the object as it belongs in Git — no status, no server-set
// metadata, no capstan request annotations, and no field that only repeats the schema's default.
import { KINDS, type KindName } from '../../api/kinds.ts';
import type { TSchema } from '../../api/schema.ts';
import { deepEqual } from '../../kube/merge-patch.ts';
import { apiVersionOf, capstanResource, type KubeObject } from '../../kube/resource.ts';
import { UsageError } from '../errors.ts';
import { serialise } from '../output.ts';
import type { Session } from '../session.ts';
import { getObjects } from './get.ts';

const DROPPED_ANNOTATIONS = [/^kubectl\.kubernetes\.io\/last-applied-configuration$/, /^reconcile\.capstan\.dev\//];

interface SchemaNode {
  type?: string;
  default?: unknown;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Pure: `value` without the fields whose value is the schema's default (objects emptied by it go too). */
export function withoutDefaults(value: unknown, schema: TSchema): unknown {
  const node = schema as SchemaNode;
  if (Array.isArray(value) && node.items) return value.map((v) => withoutDefaults(v, node.items as TSchema));
  if (!isPlainObject(value) || !node.properties) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const prop = node.properties[key];
    if (prop === undefined) { out[key] = v; continue; }
    if (prop.default !== undefined && deepEqual(v, prop.default)) continue;
    const cleaned = withoutDefaults(v, prop);
    if (isPlainObject(cleaned) && Object.keys(cleaned).length === 0 && isPlainObject(v) && Object.keys(v).length > 0) continue;
    out[key] = cleaned;
  }
  return out;
}

/** Pure: the exportable form of a live object. */
export function exportable(kind: KindName, obj: KubeObject & { spec?: unknown }): Record<string, unknown> {
  const annotations = Object.fromEntries(Object.entries(obj.metadata.annotations ?? {}).filter(([k]) => !DROPPED_ANNOTATIONS.some((re) => re.test(k))));
  const metadata: Record<string, unknown> = { name: obj.metadata.name, namespace: obj.metadata.namespace };
  if (obj.metadata.labels && Object.keys(obj.metadata.labels).length > 0) metadata.labels = obj.metadata.labels;
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  return { apiVersion: apiVersionOf(capstanResource(kind)), kind, metadata, spec: withoutDefaults(obj.spec ?? {}, KINDS[kind].spec) };
}

export async function runExport(session: Session, kind: KindName, name: string | undefined, all: boolean, out: (s: string) => void): Promise<void> {
  if (all === (name !== undefined)) throw new UsageError('give either a NAME or --all');
  const objects = await getObjects(session, kind, name);
  out(objects.map((o) => `---\n${serialise(exportable(kind, o as KubeObject & { spec?: unknown }), 'yaml')}`).join(''));
}
