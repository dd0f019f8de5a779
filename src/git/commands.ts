// The git commands a GitRepository needs: list the remote's refs, and check out exactly one
// revision, shallow, into a fresh folder.
import { runGit, type GitSession } from './process.ts';

/** ref name (refs/heads/main, refs/tags/v1, refs/tags/v1^{} for a peeled tag, HEAD) → commit or tag object. */
export type RemoteRefs = ReadonlyMap<string, string>;

export function parseLsRemote(stdout: string): RemoteRefs {
  const refs = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const [sha, ref] = line.split('\t');
    if (sha && ref && /^[0-9a-f]{40,64}$/.test(sha)) refs.set(ref, sha);
  }
  return refs;
}

/**
 * One request with protocol v0 (the refs come in the answer to GET /info/refs), so a poll costs one
 * process and one round trip.
 */
export async function lsRemote(session: GitSession): Promise<RemoteRefs> {
  return parseLsRemote(await runGit(session, 'ls-remote', ['-c', 'protocol.version=0', 'ls-remote', '--', session.url]));
}

export interface TreeEntry {
  mode: string;
  /** Path from the root of the repository. */
  path: string;
}

/**
 * Fetches `what` (a ref name, or a full commit SHA) with depth 1 into a new repository in `dir`,
 * checks it out, and returns the commit and the files of its tree (submodules left out).
 */
export async function checkoutShallow(session: GitSession, dir: string, what: string): Promise<{ commit: string; files: TreeEntry[] }> {
  await runGit(session, 'init', ['init', '--quiet', dir]);
  await runGit(session, 'fetch', ['fetch', '--quiet', '--depth', '1', '--no-tags', '--', session.url, what], dir);
  await runGit(session, 'checkout', ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--force', '--detach', 'FETCH_HEAD^{commit}'], dir);
  const commit = (await runGit(session, 'ls-tree', ['rev-parse', 'HEAD'], dir)).trim();
  const listing = await runGit(session, 'ls-tree', ['ls-tree', '-r', '-z', '--full-tree', 'HEAD'], dir);
  const files: TreeEntry[] = [];
  for (const record of listing.split('\0')) {
    const tab = record.indexOf('\t');
    const [mode, type] = record.slice(0, tab).split(' ');
    if (tab > 0 && mode !== undefined && type === 'blob') files.push({ mode, path: record.slice(tab + 1) });
  }
  return { commit, files };
}

