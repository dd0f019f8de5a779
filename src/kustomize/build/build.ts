// A Kustomization's manifests, from the extracted artifact to the objects to apply: kustomize build
// when spec.path holds a kustomization, else every manifest file under it; then postBuild
// substitution on each object, then targetNamespace and commonMetadata (whose values are
// substituted too, since Flux adds them before substituting). Nothing here talks to
// the cluster. Objects come out in a stable order: source path order, then document order.
import { readFile, realpath, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { KubeObject } from '../../kube/resource.ts';
import { BuildError } from './errors.ts';
import { kustomizeBuild } from './kubectl.ts';
import { checkKustomization, kustomizationFileIn } from './kustomization.ts';
import { parseManifests } from './manifests.ts';
import { inside } from './paths.ts';
import { sourcesUnder, type Source } from './sources.ts';
import { substituteMetadata, substituteObject } from './substitute.ts';
import { applyTransforms, type CommonMetadata } from './transform.ts';

export { BuildError, SubstituteSourceError } from './errors.ts';
export type { BuildReason, SubstituteSourceReason } from './errors.ts';

export interface BuildInput {
  /** Root folder of the extracted GitRepository artifact. */
  root: string;
  /** spec.path relative to root ('./' when unset); a path escaping root or missing is a BuildError. */
  path: string;
  targetNamespace?: string;
  commonMetadata?: CommonMetadata;
  /** postBuild variables already gathered (gatherVariables); undefined = no substitution. */
  variables?: Record<string, string>;
  /** kubectl binary for `kubectl kustomize`. */
  kubectl: string;
  signal?: AbortSignal;
}

/** Objects in a stable order (file path order, then document order). Throws BuildError. */
export async function buildManifests(input: BuildInput): Promise<KubeObject[]> {
  const root = await realpath(input.root);
  const dir = await pathIn(root, input.path);
  const top = await kustomizationFileIn(dir);
  const sources: Source[] = top !== undefined ? [{ kind: 'kustomization', dir, file: top, shown: relative(root, top) }] : await sourcesUnder(root, dir);
  const objects: KubeObject[] = [];
  for (const source of sources) {
    input.signal?.throwIfAborted();
    objects.push(...await objectsOf(root, source, input));
  }
  const { targetNamespace, commonMetadata, variables } = input;
  return applyTransforms(objects, {
    ...(targetNamespace !== undefined ? { targetNamespace } : {}),
    ...(commonMetadata !== undefined ? { commonMetadata: variables === undefined ? commonMetadata : substituteMetadata(commonMetadata, variables) } : {}),
  });
}

/** The real folder spec.path names, inside the repository. */
async function pathIn(root: string, path: string): Promise<string> {
  // As Flux does, spec.path is relative to the repository root even with a leading slash.
  const dir = await realpath(join(root, path)).catch(() => undefined);
  if (dir === undefined || !inside(root, dir)) {
    throw new BuildError('PathNotFound', `spec.path ${path} does not exist in the source; fix spec.path (it is relative to the repository root)`);
  }
  if (!(await stat(dir)).isDirectory()) {
    throw new BuildError('PathNotFound', `spec.path ${path} is a file, not a folder; set spec.path to the folder that holds it`);
  }
  return dir;
}

async function objectsOf(root: string, source: Source, input: BuildInput): Promise<KubeObject[]> {
  let text: string;
  let origin: string;
  if (source.kind === 'file') {
    text = await readFile(source.path, 'utf8');
    origin = source.shown;
  } else {
    await checkKustomization(root, source.file);
    text = await kustomizeBuild({ kubectl: input.kubectl, root, dir: source.dir, file: source.shown, ...(input.signal ? { signal: input.signal } : {}) });
    origin = `built by kustomize from ${source.shown}`;
  }
  const objects = parseManifests(text, source.shown);
  const { variables } = input;
  return variables === undefined ? objects : objects.map((object) => substituteObject(object, variables, origin));
}
