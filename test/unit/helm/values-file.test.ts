// Values reach helm as a private file that exists only while helm runs.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { withValuesFile } from '../../../src/helm/values-file.ts';

describe('withValuesFile', () => {
  it('writes the values as JSON, readable by capstan\'s user only, and removes them afterwards', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'capstan-test-'));
    let seen = '';
    await withValuesFile({ a: { b: [1, 'x'] }, dropped: null }, async (path) => {
      seen = path;
      assert.equal((await stat(path)).mode & 0o777, 0o600);
      assert.equal((await stat(dirname(path))).mode & 0o777, 0o700);
      assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), { a: { b: [1, 'x'] }, dropped: null });
    }, parent);
    assert.ok(!existsSync(seen));
    assert.deepEqual(await readdir(parent), []);
  });

  it('removes the file when helm fails too', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'capstan-test-'));
    await assert.rejects(withValuesFile({}, () => Promise.reject(new Error('helm failed')), parent), /helm failed/);
    assert.deepEqual(await readdir(parent), []);
  });
});
