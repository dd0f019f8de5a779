// Turns a kind's TypeBox schemas into a CustomResourceDefinition. The schemas are already
// structural OpenAPI; this only checks that they stay so and adds the CRD around them.
import { API_VERSION, type KindInfo } from './kinds.ts';
import type { TSchema } from './schema.ts';

const ALLOWED_KEYWORDS = new Set([
  'type', 'properties', 'required', 'items', 'description', 'default', 'enum', 'pattern', 'format',
  'minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'additionalProperties',
  'x-kubernetes-validations', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
]);

export class SchemaNotStructuralError extends Error {
  override readonly name = 'SchemaNotStructuralError';
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A plain-JSON copy of a schema, refusing keywords a structural CRD schema cannot hold. */
export function toOpenApi(schema: TSchema, path = ''): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(schema) as [string, unknown][]) {
    if (!ALLOWED_KEYWORDS.has(key)) {
      throw new SchemaNotStructuralError(`${path || '<root>'}: keyword "${key}" is not allowed in a CRD schema`);
    }
    if (key === 'properties') {
      const props: Record<string, Json> = {};
      for (const [name, sub] of Object.entries(value as Record<string, TSchema>)) props[name] = toOpenApi(sub, `${path}.${name}`);
      out[key] = props;
    } else if (key === 'items' || (key === 'additionalProperties' && typeof value === 'object')) {
      out[key] = toOpenApi(value as TSchema, `${path}[]`);
    } else {
      out[key] = structuredClone(value) as Json;
    }
  }
  if (!('type' in out) && out['x-kubernetes-preserve-unknown-fields'] !== true) {
    throw new SchemaNotStructuralError(`${path || '<root>'}: every schema needs a type`);
  }
  return out;
}

export function toCRD(info: KindInfo): Record<string, Json> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${info.plural}.${info.group}` },
    spec: {
      group: info.group,
      names: {
        kind: info.kind,
        listKind: `${info.kind}List`,
        plural: info.plural,
        singular: info.singular,
        ...(info.shortNames.length > 0 ? { shortNames: [...info.shortNames] } : {}),
        categories: ['capstan'],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: API_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: info.columns.map((c) => ({ ...c })),
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: info.description,
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string', description: 'APIVersion of this object.' },
                kind: { type: 'string', description: 'Kind of this object.' },
                metadata: { type: 'object' },
                spec: toOpenApi(info.spec, 'spec'),
                status: toOpenApi(info.status, 'status'),
              },
            },
          },
        },
      ],
    },
  };
}
