// Which commit a GitRepository's spec.ref names, from the refs `git ls-remote` listed (pure):
// a branch or a tag by name, the highest tag matching a semver range (Helm's constraint engine, as
// for charts), or a commit, and what to fetch to get it.
import type { GitRepositorySpec } from '../../api/source.ts';
import type { RemoteRefs } from '../../git/commands.ts';
import { GitError } from '../../git/errors.ts';
import { parseConstraint } from '../constraint.ts';
import { compareVersions, parseVersion, type Version } from '../version.ts';

export interface ResolvedRef {
  /** branch or tag name that prefixes the revision (`main@sha1:…`); none for a bare commit. */
  label?: string;
  commit: string;
  /** What `git fetch` asks for: a ref name, or the commit itself. */
  fetch: string;
}

export const DEFAULT_BRANCH = 'master';

/** The artifact revision of a commit: `<branch|tag>@sha1:<commit>`, or `sha1:<commit>`. */
export function revisionOf(label: string | undefined, commit: string): string {
  return label === undefined ? `sha1:${commit}` : `${label}@sha1:${commit}`;
}

function notFound(message: string): GitError {
  return new GitError('RefNotFound', 'ls-remote', message);
}

/** A tag's commit: the peeled entry of an annotated tag, else the tag itself. */
function tagCommit(refs: RemoteRefs, tag: string): string | undefined {
  return refs.get(`refs/tags/${tag}^{}`) ?? refs.get(`refs/tags/${tag}`);
}

export function resolveRef(ref: GitRepositorySpec['ref'], refs: RemoteRefs, url: string): ResolvedRef {
  if (ref?.commit !== undefined) {
    const wanted = ref.commit;
    const commit = wanted.length === 40 ? wanted : [...refs.values()].find((sha) => sha.startsWith(wanted));
    if (commit === undefined) {
      throw notFound(`commit ${wanted} is not the head of any branch or tag of ${url}: give the full 40-character SHA in spec.ref.commit`);
    }
    return { ...(ref.branch !== undefined ? { label: ref.branch } : {}), commit, fetch: commit };
  }
  if (ref?.name !== undefined) {
    // Any reference the server advertises (pull request heads too); a tag's peeled commit first.
    const commit = refs.get(`${ref.name}^{}`) ?? refs.get(ref.name);
    if (commit === undefined) throw notFound(`reference ${ref.name} does not exist in ${url}: check spec.ref.name (git ls-remote lists the references)`);
    return { label: ref.name, commit, fetch: ref.name };
  }
  if (ref?.tag !== undefined) {
    const commit = tagCommit(refs, ref.tag);
    if (commit === undefined) throw notFound(`tag "${ref.tag}" does not exist in ${url}: check spec.ref.tag`);
    return { label: ref.tag, commit, fetch: `refs/tags/${ref.tag}` };
  }
  if (ref?.semver !== undefined) {
    const constraint = parseConstraint(ref.semver);
    let best: { tag: string; version: Version } | undefined;
    for (const name of refs.keys()) {
      const tag = /^refs\/tags\/(.+?)(\^\{\})?$/.exec(name)?.[1];
      const version = tag === undefined ? undefined : parseVersion(tag);
      if (tag === undefined || version === undefined || !constraint.matches(version)) continue;
      if (!best || compareVersions(version, best.version) > 0) best = { tag, version };
    }
    const commit = best && tagCommit(refs, best.tag);
    if (!best || commit === undefined) throw notFound(`no tag of ${url} matches the semver range "${ref.semver}": push a matching tag or change spec.ref.semver`);
    return { label: best.tag, commit, fetch: `refs/tags/${best.tag}` };
  }
  const branch = ref?.branch ?? DEFAULT_BRANCH;
  const commit = refs.get(`refs/heads/${branch}`);
  if (commit === undefined) throw notFound(`branch "${branch}" does not exist in ${url}: check spec.ref.branch`);
  return { label: branch, commit, fetch: `refs/heads/${branch}` };
}
