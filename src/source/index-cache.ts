// Where normalised indexes live between fetches: a file per repository in a cache directory (so a
// restarted controller neither refetches before the interval nor reparses what a 304 confirms),
// and an in-memory LRU bounded in bytes across all repositories (so dozens of releases share one
// parsed index, and a few huge indexes cannot hold the heap).
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IndexValidators } from './index-fetch.ts';
import { estimateIndexBytes, type ChartVersion, type RepositoryIndex } from './index-model.ts';

export const DEFAULT_INDEX_MEMORY_BYTES = 256 * 1024 * 1024;

/** One repository's last good index and what is needed to ask whether it changed. */
export interface CachedIndex extends IndexValidators {
  url: string;
  /** sha256:<hex> of the index bytes it was parsed from. */
  revision: string;
  /** Size in bytes of the downloaded index. */
  size: number;
  /** When the index was last fetched or confirmed unchanged (ms since the epoch). */
  fetchedAt: number;
  /** Entries dropped as invalid when it was parsed. */
  dropped: number;
  index: RepositoryIndex;
}

/** The file's JSON form; charts as pairs so that any chart name (even __proto__) round-trips. */
interface StoredIndex extends Omit<CachedIndex, 'index'> {
  format: 1;
  index: { apiVersion: string; generated?: string; charts: [string, ChartVersion[]][] };
}

export function cacheKey(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 32);
}

/** Whether a cached index is recent enough that the interval has not come round yet. */
export function isFresh(entry: Pick<CachedIndex, 'fetchedAt'>, intervalMs: number, now: number): boolean {
  return now - entry.fetchedAt < intervalMs;
}

export interface IndexCacheOptions {
  dir: string;
  /** Bound of the in-memory LRU, estimated heap bytes across repositories. */
  memoryBytes?: number;
}

export class IndexCache {
  private readonly dir: string;
  private readonly memory: ByteLru<CachedIndex>;

  constructor(options: IndexCacheOptions) {
    this.dir = options.dir;
    this.memory = new ByteLru(options.memoryBytes ?? DEFAULT_INDEX_MEMORY_BYTES);
  }

  /** The cached index of a repository, from memory or else from disk; undefined when none is usable. */
  async get(url: string): Promise<CachedIndex | undefined> {
    const hit = this.memory.get(url);
    if (hit) return hit;
    const entry = await this.readFile(url);
    if (entry) this.memory.set(url, entry, estimateIndexBytes(entry.index));
    return entry;
  }

  async put(entry: CachedIndex): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const stored: StoredIndex = {
      ...entry,
      format: 1,
      index: { apiVersion: entry.index.apiVersion, generated: entry.index.generated, charts: [...entry.index.charts] },
    };
    const file = this.file(entry.url);
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    // Write then rename, so a crash mid-write never leaves a torn file for the next start.
    await writeFile(tmp, JSON.stringify(stored));
    await rename(tmp, file);
    this.memory.set(entry.url, entry, estimateIndexBytes(entry.index));
  }

  /** Records that the server confirmed the index unchanged (a 304), without rewriting the index. */
  async touch(url: string, fetchedAt: number, validators: IndexValidators): Promise<CachedIndex | undefined> {
    const entry = await this.get(url);
    if (!entry) return undefined;
    const updated: CachedIndex = { ...entry, ...validators, fetchedAt };
    await this.put(updated);
    return updated;
  }

  async delete(url: string): Promise<void> {
    this.memory.delete(url);
    await rm(this.file(url), { force: true });
  }

  /** Estimated bytes the in-memory LRU holds now. */
  get memoryBytes(): number {
    return this.memory.bytes;
  }

  private file(url: string): string {
    return join(this.dir, `${cacheKey(url)}.json`);
  }

  private async readFile(url: string): Promise<CachedIndex | undefined> {
    let text: string;
    try {
      text = await readFile(this.file(url), 'utf8');
    } catch {
      return undefined;
    }
    // A file that is unreadable, of another format or for another URL (a hash collision) is
    // ignored: the index is simply fetched again.
    try {
      const stored = JSON.parse(text) as Partial<StoredIndex>;
      if (stored.format !== 1 || stored.url !== url || !stored.index || !Array.isArray(stored.index.charts)) return undefined;
      const { format: _format, index, ...rest } = stored as StoredIndex;
      const restored: RepositoryIndex = { apiVersion: index.apiVersion, charts: new Map(index.charts) };
      if (index.generated !== undefined) restored.generated = index.generated;
      return { ...rest, index: restored };
    } catch {
      return undefined;
    }
  }
}

/** A least-recently-used map bounded by the sum of its values' byte sizes. */
export class ByteLru<V> {
  private readonly max: number;
  private readonly entries = new Map<string, { value: V; bytes: number }>();
  private total = 0;

  constructor(maxBytes: number) {
    this.max = maxBytes;
  }

  get bytes(): number {
    return this.total;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Map keeps insertion order: re-inserting marks the entry most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, bytes: number): void {
    this.delete(key);
    // A value larger than the whole bound is not kept: it would evict everything else for nothing.
    if (bytes > this.max) return;
    this.entries.set(key, { value, bytes });
    this.total += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.total <= this.max) break;
      this.entries.delete(oldest);
      this.total -= entry.bytes;
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.total -= entry.bytes;
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }
}
