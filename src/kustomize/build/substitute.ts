// Flux's postBuild variable substitution: each built object is written out as YAML, substituted
// as text and read back, as Flux does (so quotes in the file do not survive: `"${port}"` with
// port=8080 reads back as a number, in Flux as here). `${var}`, `${var:=default}` and
// `${var:-default}` (the default applies when the variable is unset or empty), `$${var}` for a
// literal `${var}`. As with Flux's strict mode, a variable that is unset and has no default fails
// the build instead of becoming an empty string, which would apply an object nobody wrote.
// Objects annotated `substitute: disabled` are left alone. Substituted values may come from
// Secrets: they never appear in a message.
import { dump, YAMLException } from 'js-yaml';
import type { KubeObject } from '../../kube/resource.ts';
import { BuildError } from './errors.ts';
import { parseManifests } from './manifests.ts';
import type { CommonMetadata } from './transform.ts';

export const VARIABLE_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

export const DISABLE_ANNOTATIONS = ['kustomize.toolkit.fluxcd.io/substitute', 'kustomize.capstan.dev/substitute'];

// `$${` first, so that an escaped reference is never read as a variable.
const REFERENCE = /\$\$\{|\$\{([_a-zA-Z][_a-zA-Z0-9]*)(?::[=-]([^}]*))?\}/g;

export type SubstitutionResult = { ok: true; text: string } | { ok: false; unset: string[] };

export function substituteText(text: string, variables: Record<string, string>): SubstitutionResult {
  const unset = new Set<string>();
  const out = text.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
    if (name === undefined) return '${';
    // Own keys only: `${constructor}` must not find Object.prototype's.
    const value = Object.hasOwn(variables, name) ? variables[name] : undefined;
    if (fallback !== undefined && (value === undefined || value === '')) return fallback;
    if (value !== undefined) return value;
    unset.add(name);
    return match;
  });
  return unset.size > 0 ? { ok: false, unset: [...unset] } : { ok: true, text: out };
}

function unsetError(what: string, unset: string[]): BuildError {
  const names = unset.map((name) => `\${${name}}`).join(', ');
  return new BuildError('SubstitutionFailed', `${what} uses ${names}, which ${unset.length > 1 ? 'are' : 'is'} not set: ` +
    'add it to postBuild.substitute or to a postBuild.substituteFrom ConfigMap or Secret, give it a default (${var:=value}), or write $${var} for a literal ${var}');
}

/**
 * spec.commonMetadata with its values substituted: Flux has kustomize add it before substitution,
 * so a `${var}` in it is replaced like one in the objects.
 */
export function substituteMetadata(metadata: CommonMetadata, variables: Record<string, string>): CommonMetadata {
  const each = (values: Record<string, string>, field: string) => Object.fromEntries(Object.entries(values).map(([key, value]) => {
    const result = substituteText(value, variables);
    if (!result.ok) throw unsetError(`spec.commonMetadata.${field}.${key}`, result.unset);
    return [key, result.text];
  }));
  return {
    ...(metadata.labels ? { labels: each(metadata.labels, 'labels') } : {}),
    ...(metadata.annotations ? { annotations: each(metadata.annotations, 'annotations') } : {}),
  };
}

export function substitutionDisabled(object: KubeObject): boolean {
  return DISABLE_ANNOTATIONS.some((key) => object.metadata.annotations?.[key] === 'disabled');
}

/** The object with variables substituted; `source` names where it was built from, for messages. */
export function substituteObject(object: KubeObject, variables: Record<string, string>, source: string): KubeObject {
  if (substitutionDisabled(object)) return object;
  const text = dump(object, { lineWidth: -1, noRefs: true });
  if (!text.includes('${')) return object;
  const what = `${object.kind ?? ''}/${object.metadata.name} (${source})`;
  const result = substituteText(text, variables);
  if (!result.ok) throw unsetError(what, result.unset);
  let objects;
  try {
    objects = parseManifests(result.text, `${what} after substitution`, 'fix the variable\'s value');
  } catch (err) {
    // The text may hold a Secret's value, and js-yaml quotes the text around the error (and names
    // aliases and tags it holds), so nothing of its error is kept; a line of the written-out
    // object would mean nothing to the author of the file anyway.
    if (!(err instanceof BuildError)) throw err;
    if (err.cause instanceof YAMLException) {
      throw new BuildError('SubstitutionFailed', `${what} is not valid YAML after substitution: fix the variable's value (one that is not a plain YAML scalar needs quotes of its own)`);
    }
    throw new BuildError('SubstitutionFailed', err.message);
  }
  const [after] = objects;
  if (after === undefined || objects.length > 1) {
    throw new BuildError('SubstitutionFailed', `${what} does not hold exactly one object after substitution; fix the variable's value`);
  }
  return after;
}
