// The Kubernetes objects in the text of a manifest file: every YAML document, empty ones skipped,
// `kind: List` unpacked (as kubectl does), each checked to be an object the API server can be
// asked about (apiVersion, kind, metadata.name).
import { loadAll, YAMLException } from 'js-yaml';
import type { KubeObject } from '../../kube/resource.ts';
import { BuildError } from './errors.ts';

const FIX_FILE = 'fix the file or move it out of spec.path';

/** `file` names the text in messages (a path relative to the repository root); `fix` ends them. */
export function parseManifests(text: string, file: string, fix = FIX_FILE): KubeObject[] {
  let documents: unknown[];
  try {
    documents = loadAll(text);
  } catch (err) {
    if (!(err instanceof YAMLException)) throw err;
    const at = err.mark ? ` at line ${String(err.mark.line + 1)}, column ${String(err.mark.column + 1)}` : '';
    throw new BuildError('BuildFailed', `${file} is not valid YAML: ${err.reason}${at}; ${fix}`, { cause: err });
  }
  return documents.flatMap((doc, i) => {
    if (doc === null || doc === undefined) return [];
    const where = `${file}: document ${String(i + 1)}`;
    if (isList(doc)) return doc.items.map((item, j) => checkObject(item, `${where}, item ${String(j + 1)}`, fix));
    return [checkObject(doc, where, fix)];
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isList(value: unknown): value is { items: unknown[] } {
  return isRecord(value) && value.apiVersion === 'v1' && value.kind === 'List' && Array.isArray(value.items);
}

function checkObject(value: unknown, where: string, fix: string): KubeObject {
  if (!isRecord(value)) {
    const what = Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    throw new BuildError('BuildFailed', `${where} holds ${what}, not a Kubernetes object; ${fix}`);
  }
  const missing = [
    typeof value.apiVersion === 'string' && value.apiVersion !== '' ? undefined : 'apiVersion',
    typeof value.kind === 'string' && value.kind !== '' ? undefined : 'kind',
    isRecord(value.metadata) && typeof value.metadata.name === 'string' && value.metadata.name !== '' ? undefined : 'metadata.name',
  ].filter((field) => field !== undefined);
  if (missing.length > 0) {
    throw new BuildError('BuildFailed', `${where} has no ${missing.join(', ')}: every object needs apiVersion, kind and metadata.name; ${fix}`);
  }
  return value as unknown as KubeObject;
}
