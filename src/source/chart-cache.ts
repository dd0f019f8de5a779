// Chart packages stored by their sha256, so a chart is downloaded once whatever number of releases
// use it, and a package is only ever found under the digest it actually has. The folder is bounded
// in bytes: past the bound, the least recently used packages go first.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const DEFAULT_CHART_CACHE_BYTES = 1024 * 1024 * 1024;

const PACKAGE = /^[0-9a-f]{64}\.tgz$/;

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
