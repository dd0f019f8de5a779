// Serves examples/git/ as a Git repository (branch main, one commit) over smart HTTP on a free
// loopback port for `make demo`; prints the repository URL on stdout and runs until stopped.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { createRepository, startGitServer } from '../test/support/git-server.ts';

const source = join(import.meta.dirname, '..', 'examples', 'git');
const files: Record<string, string> = {};
for (const entry of await readdir(source, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile()) continue;
  const path = join(entry.parentPath, entry.name);
  files[relative(source, path)] = await readFile(path, 'utf8');
}

const server = await startGitServer();
const repository = await createRepository(server, 'demo');
await repository.commit(files);
process.stdout.write(`${server.url}${repository.path}\n`);
const stop = () => { void server.close().then(() => process.exit(0)); };
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
