// Keeps what capstan's schema can hold of a Flux object's spec (the field names are the same on
// purpose) and reports everything else: unknown fields, values outside an enum, wrong types.
import type { TSchema } from '../api/schema.ts';
import type { Findings } from './findings.ts';

interface Node {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, Node>;
  required?: string[];
  items?: Node;
  additionalProperties?: unknown;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeMatches(node: Node, v: unknown): boolean {
  switch (node.type) {
    case 'string': return typeof v === 'string';
    case 'integer': return Number.isInteger(v);
    case 'number': return typeof v === 'number';
    case 'boolean': return typeof v === 'boolean';
    case 'array': return Array.isArray(v);
    case 'object': return isObject(v);
    default: return true;
  }
}

/** `value` reduced to `schema`; each field left out is reported at its path. undefined when nothing fits. */
export function fitToSchema(value: unknown, schema: TSchema, path: string, object: string, findings: Findings): unknown {
  const node = schema as Node;
  if (!typeMatches(node, value)) {
    findings.add(object, path, 'dropped', `capstan expects ${String(node.type)} here, got ${JSON.stringify(value)}`);
    return undefined;
  }
  if (node.enum && !node.enum.includes(value)) {
    findings.add(object, path, 'dropped', `${JSON.stringify(value)} is not supported by capstan (one of ${node.enum.map((e) => JSON.stringify(e)).join(', ')})`);
    return undefined;
  }
  if (Array.isArray(value) && node.items) {
    const items = node.items as TSchema;
    return value.map((v, i) => fitToSchema(v, items, `${path}[${String(i)}]`, object, findings)).filter((v) => v !== undefined);
  }
  if (isObject(value) && node.properties && node['x-kubernetes-preserve-unknown-fields'] !== true) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const prop = node.properties[key];
      if (prop === undefined) {
        findings.add(object, `${path}.${key}`, 'dropped', 'capstan has no such field');
        continue;
      }
      const fitted = fitToSchema(v, prop, `${path}.${key}`, object, findings);
      if (fitted !== undefined) out[key] = fitted;
    }
    // A required field that could not be kept takes its object with it (the cause is reported).
    if ((node.required ?? []).some((key) => key in value && !(key in out))) return undefined;
    return out;
  }
  return value;
}
