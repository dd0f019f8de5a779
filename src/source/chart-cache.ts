// Chart packages stored by their sha256, so a chart is downloaded once whatever number of releases
// use it, and a package is only ever found under the digest it actually has. The folder is bounded
// in bytes: past the bound, the least recently used packages go first. A package capstan made
// itself (a chart from Git) is also found by what it was made from, through a small link file.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const DEFAULT_CHART_CACHE_BYTES = 1024 * 1024 * 1024;

const PACKAGE = /^[0-9a-f]{64}\.tgz$/;

/** A package made from a source, as a link records it. */
export interface MadeChart {
  sha256: string;
  name: string;
  version: string;
  /** For a chart packaged from Git: the artifact revision it was made from. */
  revision?: string;
}

export interface ChartCacheOptions {
  dir: string;
  maxBytes?: number;
}

export class ChartCache {
  readonly dir: string;
  private readonly maxBytes: number;

  constructor(options: ChartCacheOptions) {
    this.dir = options.dir;
    this.maxBytes = options.maxBytes ?? DEFAULT_CHART_CACHE_BYTES;
  }

  pathOf(sha256Hex: string): string {
    return join(this.dir, `${sha256Hex}.tgz`);
  }

  /** The cached package, or undefined; a hit counts as a use for eviction. */
  async get(sha256Hex: string): Promise<{ path: string; size: number } | undefined> {
    if (!/^[0-9a-f]{64}$/.test(sha256Hex)) return undefined;
    const path = this.pathOf(sha256Hex);
    const now = new Date();
    try {
      await utimes(path, now, now);
      return { path, size: (await stat(path)).size };
    } catch {
      return undefined;
    }
  }

  /** Stores a package whose digest the caller has verified, then trims the cache to its bound. */
  async put(sha256Hex: string, bytes: Buffer): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const path = this.pathOf(sha256Hex);
    const tmp = join(this.dir, `.${sha256Hex}.${randomBytes(4).toString('hex')}.tmp`);
    // Write then rename: a reader never sees half a package under a digest.
    await writeFile(tmp, bytes);
    await rename(tmp, path);
    await this.evict(path);
    return path;
  }

  /** Records that `made` was packaged from `from` (any string naming the input, e.g. artifact digest and path). */
  async link(from: string, made: MadeChart): Promise<void> {
    await mkdir(join(this.dir, 'links'), { recursive: true });
    const path = this.linkPath(from);
    const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, JSON.stringify(made));
    await rename(tmp, path);
  }

  /** The package made from `from`, while it is still cached; a link to an evicted package is dropped. */
  async linked(from: string): Promise<(MadeChart & { path: string }) | undefined> {
    const path = this.linkPath(from);
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    const made = JSON.parse(text) as MadeChart;
    const hit = await this.get(made.sha256);
    if (hit === undefined) {
      await rm(path, { force: true });
      return undefined;
    }
    return { ...made, path: hit.path };
  }

  private linkPath(from: string): string {
    return join(this.dir, 'links', `${createHash('sha256').update(from).digest('hex')}.json`);
  }

  /** Total bytes of the cached packages. */
  async size(): Promise<number> {
    return (await this.list()).reduce((sum, p) => sum + p.size, 0);
  }

  private async list(): Promise<{ path: string; size: number; usedAt: number }[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const out: { path: string; size: number; usedAt: number }[] = [];
    for (const name of names) {
      if (!PACKAGE.test(name)) continue;
      const path = join(this.dir, name);
      const info = await stat(path).catch(() => undefined);
      if (info) out.push({ path, size: info.size, usedAt: info.mtimeMs });
    }
    return out;
  }

  private async evict(keep: string): Promise<void> {
    const packages = await this.list();
    let total = packages.reduce((sum, p) => sum + p.size, 0);
    packages.sort((a, b) => a.usedAt - b.usedAt);
    for (const p of packages) {
      if (total <= this.maxBytes) break;
      if (p.path === keep) continue;
      await rm(p.path, { force: true });
      total -= p.size;
    }
  }
}
