// GitRepository artifacts: a gzip'd tar of a checked-out tree (minus ignored files), stored in the
// controller's cache folder under its sha256, so the same content is stored once and a digest in a
// status always names a file that can be checked. The tar is made by GNU tar with fixed owners,
// times and order, so the same tree always gives the same digest.
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

export interface StoredArtifact {
  /** sha256:<hex> of the .tar.gz. */
  digest: string;
  size: number;
}

export class ArtifactError extends Error {
  override readonly name = 'ArtifactError';
  readonly reason = 'ArtifactFailed';
}

export class GitArtifactStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Where the artifact of a digest is (or would be). */
  path(digest: string): string {
    return join(this.dir, `${digest.replace(/^sha256:/, '')}.tar.gz`);
  }

  async has(digest: string | undefined): Promise<boolean> {
    if (digest === undefined || !/^sha256:[0-9a-f]{64}$/.test(digest)) return false;
    return (await stat(this.path(digest)).catch(() => undefined))?.isFile() === true;
  }

  /** Deletes an artifact no status names any more (a reader that has it open keeps reading). */
  async remove(digest: string): Promise<void> {
    if (/^sha256:[0-9a-f]{64}$/.test(digest)) await rm(this.path(digest), { force: true });
  }

  /** Drops the checkouts a previous run left behind when it stopped mid-fetch. */
  async removeWorkDirs(): Promise<void> {
    await rm(join(this.dir, 'work'), { recursive: true, force: true });
  }

  /** A folder for one checkout, removed by the caller. */
  async workDir(): Promise<string> {
    await mkdir(join(this.dir, 'work'), { recursive: true, mode: 0o700 });
    return mkdtemp(join(this.dir, 'work', 'checkout-'));
  }

  /**
   * Unpacks the artifact of `digest` into `dir` (which must exist), for its consumers: Kustomizations
   * build from it, HelmReleases package charts from it. Fails with ArtifactError when it is not stored.
   */
  async extract(digest: string, dir: string, signal?: AbortSignal): Promise<void> {
    if (!(await this.has(digest))) throw new ArtifactError(`the artifact ${digest} is not stored (yet): wait for its GitRepository to fetch it again`);
    const result = await execa('tar', ['--extract', '--gzip', '--no-same-owner', '--file', this.path(digest), '--directory', dir], {
      reject: false, stdin: 'ignore', ...(signal ? { cancelSignal: signal } : {}),
    });
    if (result.exitCode !== 0) throw new ArtifactError(`unpacking the artifact ${digest} failed: ${result.stderr.trim() || (result.originalMessage ?? 'tar failed')}`);
  }

  /** Packs `files` (paths relative to `root`) and stores the archive under its digest. */
  async put(root: string, files: readonly string[], signal?: AbortSignal): Promise<StoredArtifact> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temp = join(this.dir, `.incoming-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    const hash = createHash('sha256');
    let size = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    const tar = execa('tar', [
      // Options before the list: GNU tar applies -C and friends only to names that follow them.
      '--create', '--directory', root, '--no-recursion', '--null', '--verbatim-files-from',
      '--format=pax', '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime',
      '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '--files-from=-',
    ], { input: [...files].sort().map((f) => `${f}\0`).join(''), buffer: { stdout: false, stderr: true }, reject: false, ...(signal ? { cancelSignal: signal } : {}) });
    try {
      await pipeline(tar.stdout, createGzip({ level: 9 }), measure, createWriteStream(temp, { mode: 0o600 }));
      const result = await tar;
      if (result.exitCode !== 0) throw new ArtifactError(`packing the artifact failed: ${result.stderr.trim() || (result.originalMessage ?? 'tar failed')}`);
      const digest = `sha256:${hash.digest('hex')}`;
      await rename(temp, this.path(digest));
      return { digest, size };
    } finally {
      await rm(temp, { force: true });
    }
  }
}
