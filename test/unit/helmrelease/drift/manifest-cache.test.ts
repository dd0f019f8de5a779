// The manifest cache: each revision read once, least recently used revisions dropped first.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManifestCache } from '../../../../src/helmrelease/drift/manifest-cache.ts';

// 100 characters each: a ConfigMap padded with a comment.
const manifest = (name: string) => {
  const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n#`;
  return text.padEnd(100, '-');
};

describe('ManifestCache', () => {
  const revision = (name: string, n = 1) => ({ namespace: 'team', name, revision: n });
  const counting = () => {
    const reads: string[] = [];
    return { reads, read: (name: string) => () => { reads.push(name); return Promise.resolve(manifest(name)); } };
  };

  it('reads a revision once and gives its objects from memory after that', async () => {
    const cache = new ManifestCache();
    const { reads, read } = counting();
    const first = await cache.objects(revision('a'), read('a'));
    const again = await cache.objects(revision('a'), read('a'));
    assert.deepEqual(first.map((o) => o.metadata.name), ['a']);
    assert.equal(again, first);
    assert.deepEqual(reads, ['a']);
    await cache.objects(revision('a', 2), read('a'));
    assert.deepEqual(reads, ['a', 'a'], 'a new revision is read');
  });

  it('drops the least recently used revisions beyond its byte budget', async () => {
    const cache = new ManifestCache({ maxBytes: 250 });
    const { reads, read } = counting();
    await cache.objects(revision('a'), read('a'));
    await cache.objects(revision('b'), read('b'));
    await cache.objects(revision('a'), read('a')); // a is now the most recently used
    await cache.objects(revision('c'), read('c')); // over budget: b goes
    assert.equal(cache.size, 2);
    await cache.objects(revision('a'), read('a'));
    await cache.objects(revision('b'), read('b'));
    assert.deepEqual(reads, ['a', 'b', 'c', 'b']);
  });

  it('does not keep a manifest larger than the whole budget', async () => {
    const cache = new ManifestCache({ maxBytes: 50 });
    const { read } = counting();
    await cache.objects(revision('a'), read('a'));
    assert.equal(cache.size, 0);
  });
});
