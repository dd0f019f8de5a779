// One refresh of a repository's index: a conditional fetch with the validators of the cached
// index; on a 304 the cached index is kept as it is (no download, no parse), otherwise the new
// body is parsed and replaces it. Any failure leaves the cached index, the last good artifact,
// untouched, so releases keep resolving against it.
import type { CachedIndex, IndexCache } from './index-cache.ts';
import { FetchError } from './errors.ts';
import { fetchIndex, indexUrl, type IndexFetchOptions } from './index-fetch.ts';
import { parseIndex, type ParsedIndex } from './index-parse.ts';

export interface IndexRefreshOptions extends Omit<IndexFetchOptions, 'previous'> {
  cache: IndexCache;
  /** Clock, in ms since the epoch. */
  now?: () => number;
  /** The parser (tests count its calls). */
  parse?: (bytes: Buffer) => ParsedIndex;
}

export interface IndexRefresh {
  /** False when the server confirmed the cached index (304). */
  changed: boolean;
  entry: CachedIndex;
  /** Examples of entries dropped as invalid, when the index changed. */
  droppedExamples: string[];
}

export async function refreshIndex(options: IndexRefreshOptions): Promise<IndexRefresh> {
  const { cache, now = Date.now, parse = parseIndex, ...fetchOptions } = options;
  const cached = await cache.get(options.url);
  const previous = cached ? { etag: cached.etag, lastModified: cached.lastModified } : undefined;
  const result = await fetchIndex({ ...fetchOptions, previous });
  if (result.unchanged && cached) {
    const entry = await cache.touch(options.url, now(), result) ?? cached;
    return { changed: false, entry, droppedExamples: [] };
  }
  if (result.unchanged) {
    throw new FetchError(`GET ${indexUrl(options.url)} answered 304 Not Modified to a request that was not conditional: the server is misbehaving`, { url: options.url, status: 304 });
  }
  const parsed = parse(result.bytes);
  const entry: CachedIndex = {
    url: options.url,
    revision: result.revision,
    size: result.bytes.length,
    fetchedAt: now(),
    dropped: parsed.dropped,
    index: parsed.index,
    ...(result.etag !== undefined ? { etag: result.etag } : {}),
    ...(result.lastModified !== undefined ? { lastModified: result.lastModified } : {}),
  };
  await cache.put(entry);
  return { changed: true, entry, droppedExamples: parsed.droppedExamples };
}
