// Schema builders whose output is already a Kubernetes structural OpenAPI v3 schema, so that one
// TypeBox definition gives both the TypeScript type (Static<>) and the CRD schema unchanged.
import Type, { type TSchema, type TUnsafe } from 'typebox';

export { Type };
export type { Static, TSchema } from 'typebox';

/** Go duration as Flux accepts it: `30s`, `5m`, `1h30m`, `500ms`. */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$';

export function Duration(options: { description: string; default?: string }): TUnsafe<string> {
  return Type.Unsafe<string>({ type: 'string', pattern: DURATION_PATTERN, ...options });
}

export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description: string; default?: T[number] },
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

export function StringMap(options: { description: string }): TUnsafe<Record<string, string>> {
  return Type.Unsafe<Record<string, string>>({
    type: 'object',
    additionalProperties: { type: 'string' },
    ...options,
  });
}

/** Free-form YAML (Helm values, patches): kept as is by the API server. */
export function FreeForm(options: { description: string }): TUnsafe<Record<string, unknown>> {
  return Type.Unsafe<Record<string, unknown>>({
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
    ...options,
  });
}

/** A Kubernetes object name (DNS-1123 subdomain). */
export function Name(description: string): TUnsafe<string> {
  return Type.Unsafe<string>({
    type: 'string',
    description,
    minLength: 1,
    maxLength: 253,
    pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
  });
}

/** A namespace name (DNS-1123 label). */
export function NamespaceName(description: string): TUnsafe<string> {
  return Type.Unsafe<string>({
    type: 'string',
    description,
    minLength: 1,
    maxLength: 63,
    pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
  });
}

/** A CEL rule checked by the API server on this object (x-kubernetes-validations). */
export interface CelRule {
  rule: string;
  message: string;
}

export function Cel(...rules: CelRule[]): { 'x-kubernetes-validations': CelRule[] } {
  return { 'x-kubernetes-validations': rules };
}

/** Exactly one of the named fields is set. */
export function exactlyOne(fields: string[]): CelRule {
  const has = fields.map((f) => `has(self.${f})`);
  return {
    rule: `[${has.join(', ')}].filter(x, x).size() == 1`,
    message: `exactly one of ${fields.join(', ')} must be set`,
  };
}

/** At most one of the named fields is set. */
export function atMostOne(fields: string[]): CelRule {
  const has = fields.map((f) => `has(self.${f})`);
  return {
    rule: `[${has.join(', ')}].filter(x, x).size() <= 1`,
    message: `at most one of ${fields.join(', ')} may be set`,
  };
}

export function Described<T extends TSchema>(schema: T, description: string): T {
  return { ...schema, description };
}
