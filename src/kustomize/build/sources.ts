// What a Kustomization's path holds, in build order: the manifest files under it (any depth) and
// the folders below it that kustomize builds (those holding a kustomization file), sorted by their
// path relative to the repository so that the same commit always gives the same order.
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { BuildError } from './errors.ts';
import { kustomizationFileIn } from './kustomization.ts';
import { inside } from './paths.ts';

export type Source =
  | { kind: 'file'; path: string; shown: string }
  | { kind: 'kustomization'; dir: string; file: string; shown: string };

const MANIFEST = /\.(?:ya?ml|json)$/;

/** Sources below `dir` (a real path inside `root`, itself without a kustomization file), sorted by their path relative to `root`. */
export async function sourcesUnder(root: string, dir: string): Promise<Source[]> {
  const found: Source[] = [];
  await walk(root, dir, found, new Set());
  // Plain code-unit order: the same in every locale.
  return found.sort((a, b) => (a.shown < b.shown ? -1 : a.shown > b.shown ? 1 : 0));
}

async function walk(root: string, dir: string, found: Source[], seen: Set<string>): Promise<void> {
  if (seen.has(dir)) return;
  seen.add(dir);
  const file = await kustomizationFileIn(dir);
  if (file !== undefined) {
    found.push({ kind: 'kustomization', dir, file, shown: relative(root, file) });
    return;
  }
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(root, path, found, seen);
    else if (entry.isFile() && MANIFEST.test(entry.name)) found.push({ kind: 'file', path, shown: relative(root, path) });
    else if (entry.isSymbolicLink()) await followLink(root, path, entry.name, found, seen);
  }
}

// Git keeps symbolic links: one may point anywhere on the controller's disk, so only links that
// stay inside the repository are followed.
async function followLink(root: string, path: string, name: string, found: Source[], seen: Set<string>): Promise<void> {
  const target = await realpath(path).catch(() => undefined);
  if (target === undefined) return;
  if (!inside(root, target)) {
    throw new BuildError('BuildFailed', `${relative(root, path)} is a symbolic link to outside the repository; make it a regular file or point it inside`);
  }
  const info = await stat(target);
  if (info.isDirectory()) await walk(root, target, found, seen);
  else if (info.isFile() && MANIFEST.test(name)) found.push({ kind: 'file', path: target, shown: relative(root, path) });
}
