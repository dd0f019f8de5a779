// Values reach helm only as a file: on the command line (`--set`) they would show in `ps` and be
// re-parsed with --set's own typing rules. The file is JSON (which is YAML, so helm reads it, and
// keeps `null` so that helm drops a chart default) in a folder only capstan's user can read
// (mkdtemp makes it 0700, the file is 0600), removed as soon as helm has exited.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `values` as a map is written as JSON; as a string, it is YAML already written by the caller. */
export async function withValuesFile<T>(values: Record<string, unknown> | string, fn: (path: string) => Promise<T>, parent = tmpdir()): Promise<T> {
  const dir = await mkdtemp(join(parent, 'capstan-values-'));
  try {
    const path = join(dir, 'values.yaml');
    await writeFile(path, typeof values === 'string' ? values : JSON.stringify(values), { mode: 0o600 });
    return await fn(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
