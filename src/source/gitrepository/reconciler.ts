// The GitRepository reconciler: one `git ls-remote` per interval tells whether the ref moved; only
// when it did (or the spec changed) is the ref fetched, shallow, into a scratch folder, and its
// tree packed into a content-addressed artifact. A poll that finds the same commit spawns nothing
// else and writes nothing. A failure keeps the last good artifact.
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { parseDuration } from '../../api/duration.ts';
import type { GitRepository } from '../../api/objects.ts';
import type { Artifact } from '../../api/source.ts';
import { checkoutShallow, lsRemote } from '../../git/commands.ts';
import { GitError, maskUrl } from '../../git/errors.ts';
import type { GitSession } from '../../git/process.ts';
import type { KubeClient } from '../../kube/client.ts';
import type { EventRecorder } from '../../kube/events.ts';
import type { Informer } from '../../kube/informer.ts';
import { capstanResource } from '../../kube/resource.ts';
import { writeStatus } from '../../kube/status.ts';
import { jitter } from '../../runtime/backoff.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../runtime/controller.ts';
import { TerminalError } from '../../runtime/controller.ts';
import { InvalidConstraintError } from '../constraint.ts';
import { RepositorySecretError } from '../helmrepository/credentials.ts';
import { ArtifactError, type GitArtifactStore } from './artifact.ts';
import { gitAccess, splitUrlCredentials, SshSecretError } from './credentials.ts';
import { DEFAULT_IGNORE, ignoreMatcher } from './ignore.ts';
import { resolveRef, revisionOf } from './ref.ts';
import { failed, succeeded, upToDate } from './status.ts';
import { statusContextOf } from '../source-status.ts';

const RESOURCE = capstanResource('GitRepository');
const REGARDING = { apiVersion: 'source.capstan.dev/v1', kind: 'GitRepository' };

export interface GitRepositoryReconcilerOptions {
  client: KubeClient;
  informer: Informer<GitRepository>;
  store: GitArtifactStore;
  events: EventRecorder;
  /** Called with the repository's key when its artifact is stored again under an unchanged status (a restart's empty cache): a new one is announced by the informer that sees the status. */
  onArtifact?: (key: string, revision: string) => void;
  gitBinary?: string;
  now?: () => number;
}

/** A fetch failed: the status says why; the controller retries with backoff. */
export class GitFetchError extends Error {
  override readonly name = 'GitFetchError';
}

/** The spec cannot work as written: retrying will not help until it changes. */
class GitSpecError extends Error {
  override readonly name = 'GitSpecError';
  readonly reason = 'URLUnsupported';
}

export function gitRepositoryReconciler(options: GitRepositoryReconcilerOptions): Reconciler {
  const now = options.now ?? Date.now;
  return {
    kind: 'GitRepository',
    async reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult> {
      const repo = options.informer.get(key);
      if (!repo || repo.metadata.deletionTimestamp || repo.spec.suspend) return {};
      const intervalMs = parseDuration(repo.spec.interval);
      const statusCtx = statusContextOf(repo, now());
      const url = maskUrl(repo.spec.url);
      try {
        if (!/^(https?|ssh):\/\//.test(repo.spec.url)) {
          throw new GitSpecError(`${url}: only http://, https:// and ssh:// Git URLs are supported; use the repository's HTTPS or SSH URL`);
        }
        if (/^ssh:\/\/[^/@]*:[^/@]*@/.test(repo.spec.url)) {
          // git would hand the password to ssh on its command line.
          throw new GitSpecError(`${url}: an ssh:// URL cannot carry a password; remove it from spec.url and give the private key as identity in the spec.secretRef Secret`);
        }
        const fromUrl = splitUrlCredentials(repo.spec.url);
        const fromSecret = await gitAccess(options.client, repo);
        const session: GitSession = {
          url: fromUrl.url,
          access: fromSecret.username !== undefined || fromSecret.bearerToken !== undefined ? fromSecret : { ...fromUrl.access, ...fromSecret },
          ...(repo.spec.secretRef ? { secret: `${repo.metadata.namespace ?? 'default'}/${repo.spec.secretRef.name}` } : {}),
          deadline: now() + parseDuration(repo.spec.timeout ?? '60s'),
          signal: ctx.signal,
          tempDir: tmpdir(),
          ...(options.gitBinary !== undefined ? { binary: options.gitBinary } : {}),
        };
        const target = resolveRef(repo.spec.ref, await lsRemote(session), url);
        const expected = revisionOf(target.label, target.commit);
        if (upToDate(repo.status, expected, statusCtx) && await options.store.has(repo.status?.artifact?.digest)) {
          ctx.log.debug({ revision: expected }, 'ref unchanged');
          return { requeueAfterMs: jitter(intervalMs) };
        }
        const artifact = await buildArtifact(options, session, repo, target.fetch, target.label, statusCtx.now, ctx.signal);
        await writeStatus(options.client, RESOURCE, repo, succeeded(repo.status, artifact, statusCtx));
        const previous = repo.status?.artifact;
        const changed = previous?.revision !== artifact.revision || previous.digest !== artifact.digest;
        if (changed) {
          ctx.log.info({ revision: artifact.revision, digest: artifact.digest, size: artifact.size }, 'stored a new artifact');
          await options.events.record({
            regarding: { ...repo, ...REGARDING }, type: 'Normal', reason: 'NewArtifact', action: 'Fetch',
            note: `stored artifact for revision ${artifact.revision} (${artifact.size ?? 0} bytes, ${artifact.digest ?? ''})`,
            metadata: { revision: artifact.revision },
          });
          if (previous?.digest !== artifact.digest) await dropUnused(options, repo, previous?.digest);
        }
        // A new artifact reaches its consumers when the informer sees this status: they read it from
        // that cache, which may not have it yet. One only stored again (a restart's empty cache)
        // changes no status, so it is announced here: its consumers may be waiting for it.
        if (!changed) options.onArtifact?.(key, artifact.revision);
        return { requeueAfterMs: jitter(intervalMs) };
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        const known = err instanceof GitError || err instanceof RepositorySecretError || err instanceof SshSecretError ||
          err instanceof InvalidConstraintError || err instanceof GitSpecError || err instanceof ArtifactError;
        const reason = known ? err.reason : 'FetchFailed';
        const message = err instanceof Error ? err.message : String(err);
        const terminal = err instanceof InvalidConstraintError || err instanceof GitSpecError;
        const stalled = terminal || err instanceof SshSecretError;
        await writeStatus(options.client, RESOURCE, repo, failed(repo.status, reason, message, stalled, statusCtx));
        await options.events.record({ regarding: { ...repo, ...REGARDING }, type: 'Warning', reason, action: 'Fetch', note: message });
        if (terminal) throw new TerminalError(message);
        throw new GitFetchError(message, { cause: err });
      }
    },
  };
}

/** Removes the replaced artifact unless another GitRepository's status still names it. */
async function dropUnused(options: GitRepositoryReconcilerOptions, repo: GitRepository, digest: string | undefined): Promise<void> {
  if (digest === undefined) return;
  const stillUsed = options.informer.list().some((o) => o.metadata.uid !== repo.metadata.uid && o.status?.artifact?.digest === digest);
  if (!stillUsed) await options.store.remove(digest);
}

/** Fetches `what` shallow, packs its tree without the ignored files, and stores it. */
async function buildArtifact(
  options: GitRepositoryReconcilerOptions, session: GitSession, repo: GitRepository, what: string, label: string | undefined, now: string, signal: AbortSignal,
): Promise<Artifact> {
  const dir = await options.store.workDir();
  try {
    const { commit, files } = await checkoutShallow(session, dir, what);
    const ignored = ignoreMatcher(DEFAULT_IGNORE, repo.spec.ignore ?? '');
    const stored = await options.store.put(dir, files.map((f) => f.path).filter((p) => !ignored(p)), signal);
    const revision = revisionOf(label, commit);
    const previous = repo.status?.artifact;
    return {
      revision, digest: stored.digest, size: stored.size,
      lastUpdateTime: previous?.revision === revision && previous.digest === stored.digest ? previous.lastUpdateTime : now,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
