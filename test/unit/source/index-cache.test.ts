// The index cache: persisted across restarts, bounded in memory by bytes across repositories.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ByteLru, cacheKey, IndexCache, isFresh, type CachedIndex } from '../../../src/source/index-cache.ts';
import { estimateIndexBytes, type RepositoryIndex } from '../../../src/source/index-model.ts';

function index(versions: number, chart = 'app'): RepositoryIndex {
  const list = Array.from({ length: versions }, (_, i) => ({ version: `1.0.${i}`, urls: [`${chart}-1.0.${i}.tgz`] }));
  return { apiVersion: 'v1', charts: new Map([[chart, list], ['__proto__', []]]) };
}

function cached(url: string, idx = index(3)): CachedIndex {
  return { url, revision: 'sha256:abc', size: 100, fetchedAt: 1_000, dropped: 0, index: idx, etag: '"e1"', lastModified: 'Mon, 01 Jan 2026 00:00:00 GMT' };
}

const tempDir = () => mkdtemp(join(tmpdir(), 'capstan-index-cache-'));

describe('IndexCache', () => {
  it('gives a restarted process the index, validators and fetch time that were stored', async () => {
    const dir = await tempDir();
    await new IndexCache({ dir }).put(cached('https://charts.example/a'));
    const restored = await new IndexCache({ dir }).get('https://charts.example/a');
    assert.deepEqual(restored, cached('https://charts.example/a'));
    assert.ok(restored.index.charts instanceof Map);
  });

  it('keys files by a hash of the repository URL', async () => {
    const dir = await tempDir();
    await new IndexCache({ dir }).put(cached('https://charts.example/a'));
    assert.deepEqual(await readdir(dir), [`${cacheKey('https://charts.example/a')}.json`]);
  });

  it('has nothing for an unknown repository, a corrupt file or a file written for another URL', async () => {
    const dir = await tempDir();
    const cache = new IndexCache({ dir });
    assert.equal(await cache.get('https://charts.example/none'), undefined);
    await writeFile(join(dir, `${cacheKey('https://charts.example/corrupt')}.json`), '{"format":1,"url":');
    assert.equal(await cache.get('https://charts.example/corrupt'), undefined);
    await writeFile(join(dir, `${cacheKey('https://charts.example/b')}.json`), JSON.stringify({ ...cached('https://charts.example/other'), format: 1, index: { apiVersion: 'v1', charts: [] } }));
    assert.equal(await cache.get('https://charts.example/b'), undefined);
  });

  it('records a 304 as a new fetch time and validators without changing the index', async () => {
    const dir = await tempDir();
    const cache = new IndexCache({ dir });
    await cache.put(cached('https://charts.example/a'));
    await cache.touch('https://charts.example/a', 5_000, { etag: '"e2"' });
    const after = await new IndexCache({ dir }).get('https://charts.example/a');
    assert.equal(after?.fetchedAt, 5_000);
    assert.equal(after.etag, '"e2"');
    assert.equal(after.lastModified, 'Mon, 01 Jan 2026 00:00:00 GMT');
    assert.equal(after.revision, 'sha256:abc');
  });

  it('keeps parsed indexes in memory within its byte bound, dropping the least recently used', async () => {
    const one = estimateIndexBytes(index(100));
    const cache = new IndexCache({ dir: await tempDir(), memoryBytes: Math.floor(one * 2.5) });
    await cache.put(cached('u1', index(100)));
    await cache.put(cached('u2', index(100)));
    await cache.get('u1');
    await cache.put(cached('u3', index(100)));
    assert.ok(cache.memoryBytes <= one * 2.5);
    assert.ok((await cache.get('u2')) !== undefined, 'an evicted index is read back from disk');
  });
});

describe('ByteLru', () => {
  it('evicts the least recently used entries until the total fits', () => {
    const lru = new ByteLru<string>(10);
    lru.set('a', 'A', 4);
    lru.set('b', 'B', 4);
    lru.get('a');
    lru.set('c', 'C', 4);
    assert.deepEqual(lru.keys(), ['a', 'c']);
    assert.equal(lru.bytes, 8);
  });

  it('does not keep a value larger than the whole bound', () => {
    const lru = new ByteLru<string>(10);
    lru.set('a', 'A', 4);
    lru.set('huge', 'H', 11);
    assert.deepEqual(lru.keys(), ['a']);
  });

  it('replaces a value under the same key without counting it twice', () => {
    const lru = new ByteLru<string>(10);
    lru.set('a', 'A', 4);
    lru.set('a', 'A2', 6);
    assert.equal(lru.bytes, 6);
    assert.equal(lru.get('a'), 'A2');
  });
});

describe('isFresh', () => {
  it('is fresh until the interval has passed since the last fetch', () => {
    assert.equal(isFresh({ fetchedAt: 1_000 }, 600_000, 600_999), true);
    assert.equal(isFresh({ fetchedAt: 1_000 }, 600_000, 601_000), false);
  });
});
