// Checks a kustomization before kustomize runs: kustomize fetches a `resources`, `components` or
// `bases` entry it cannot find on disk from the network (git clone or HTTP), which would let a
// commit make the controller reach any host and would build something the artifact does not hold.
// So every such entry, in the kustomization and in the local bases it names, must be a file or
// folder inside the repository; a URL is refused with the file and the entry named.
import { load, YAMLException } from 'js-yaml';
import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { BuildError } from './errors.ts';
import { isRecord } from './manifests.ts';
import { inside } from './paths.ts';

/** The names kustomize looks for, in its order. */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Fields whose entries kustomize may load from a URL. */
const LOADED_FIELDS = ['resources', 'components', 'bases'] as const;
/** Fields whose entries are a path, a URL or an inline YAML config. */
const MAYBE_LOADED_FIELDS = ['generators', 'transformers', 'validators'] as const;

/** A URL kustomize would fetch: a scheme (https://, ssh://, git::…), scp-like git (git@host:org/repo) or a known git host. */
export function isRemote(entry: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(entry) || /^[a-zA-Z][a-zA-Z0-9+.-]*::/.test(entry) ||
    /^[\w.-]+@[\w.-]+:/.test(entry) || /^(?:github\.com|gitlab\.com|bitbucket\.org)\//.test(entry);
}

/** The kustomization file of `dir`, if it has one. */
export async function kustomizationFileIn(dir: string): Promise<string | undefined> {
  for (const name of KUSTOMIZATION_FILES) {
    if ((await stat(join(dir, name)).catch(() => undefined))?.isFile() === true) return join(dir, name);
  }
  return undefined;
}

/** Entries of a parsed kustomization that name something to load, with their field. */
export function loadedEntries(kustomization: unknown): { field: string; entry: string; mustExist: boolean }[] {
  if (!isRecord(kustomization)) return [];
  const entries = (fields: readonly string[], mustExist: boolean) => fields.flatMap((field) => {
    const list = kustomization[field];
    if (!Array.isArray(list)) return [];
    // An entry with a line break is an inline config, not a path.
    return list.filter((e): e is string => typeof e === 'string' && !e.includes('\n')).map((entry) => ({ field, entry, mustExist }));
  });
  return [...entries(LOADED_FIELDS, true), ...entries(MAYBE_LOADED_FIELDS, false)];
}

/** Throws a BuildError for a remote or missing entry in the kustomization at `file` or in a base it names. */
export async function checkKustomization(root: string, file: string, seen = new Set<string>()): Promise<void> {
  if (seen.has(file)) return;
  seen.add(file);
  const shown = relative(root, file);
  let parsed: unknown;
  try {
    parsed = load(await readFile(file, 'utf8'));
  } catch (err) {
    if (!(err instanceof YAMLException)) throw err;
    const at = err.mark ? ` at line ${String(err.mark.line + 1)}` : '';
    throw new BuildError('BuildFailed', `${shown} is not valid YAML: ${err.reason}${at}; fix the kustomization`, { cause: err });
  }
  for (const { field, entry, mustExist } of loadedEntries(parsed)) {
    if (isRemote(entry)) {
      throw new BuildError('BuildFailed', `${shown}: ${field} entry ${entry} is a remote URL, which capstan does not fetch; copy it into the repository and name its local path`);
    }
    const target = await realpath(resolve(dirname(file), entry)).catch(() => undefined);
    if (target === undefined) {
      if (!mustExist) continue;
      throw new BuildError('BuildFailed', `${shown}: ${field} entry ${entry} does not exist in the repository; fix the path or add the file`);
    }
    if (!inside(root, target)) {
      throw new BuildError('BuildFailed', `${shown}: ${field} entry ${entry} is outside the repository; keep every base inside it`);
    }
    if ((await stat(target)).isDirectory()) {
      const base = await kustomizationFileIn(target);
      if (base !== undefined) await checkKustomization(root, base, seen);
    }
  }
}
