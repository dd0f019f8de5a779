// GitRepository artifacts: the same files always make the same archive, stored under its digest.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GitArtifactStore } from '../../../src/source/gitrepository/artifact.ts';
import { run } from '../../support/run.ts';

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'capstan-tree-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

describe('GitArtifactStore', () => {
  it('packs only the listed files, deterministically, under the sha256 of the archive', async () => {
    const store = new GitArtifactStore(await mkdtemp(join(tmpdir(), 'capstan-artifacts-')));
    const files = { 'a.yaml': 'a: 1\n', 'sub/b.yaml': 'b: 2\n', '-rf': 'a name like an option\n', 'left-out.txt': 'x' };
    const first = await tree(files);
    const second = await tree(files);
    await utimes(join(second, 'a.yaml'), 1, 1);
    const listed = ['sub/b.yaml', 'a.yaml', '-rf'];
    const one = await store.put(first, listed);
    const two = await store.put(second, [...listed].reverse());
    assert.deepEqual(one, two, 'file times and list order do not change the archive');
    const bytes = await readFile(store.path(one.digest));
    assert.equal(one.digest, `sha256:${createHash('sha256').update(bytes).digest('hex')}`);
    assert.equal(one.size, bytes.length);
    assert.ok(await store.has(one.digest));
    assert.ok(!(await store.has('sha256:0000')));
    const listing = await run('tar', ['-tzf', store.path(one.digest)]);
    assert.deepEqual(listing.stdout.trim().split('\n'), ['-rf', 'a.yaml', 'sub/b.yaml']);
  });
});
