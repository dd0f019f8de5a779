// An OCI registry on loopback (Debian's docker-registry, i.e. the CNCF distribution registry),
// with the fixture charts pushed by `helm push`.
import { execa, type ResultPromise } from 'execa';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolatedHelm } from './helm.ts';
import { freePort } from './net.ts';
import { FIXTURES_REPO, HELM_MAJORS, TOOLS_BIN } from './paths.ts';
import { waitFor } from './wait.ts';

export interface OciRegistry {
  /** host:port of the registry. */
  host: string;
  close(): Promise<void>;
}

export async function startOciRegistry(): Promise<OciRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'capstan-oci-'));
  const port = await freePort();
  const config = join(dir, 'config.yml');
  await writeFile(config, [
    'version: 0.1',
    'log: {level: warn}',
    `storage: {filesystem: {rootdirectory: ${join(dir, 'data')}}, delete: {enabled: true}}`,
    `http: {addr: "127.0.0.1:${port}"}`,
    '',
  ].join('\n'));
  const child: ResultPromise = execa(join(TOOLS_BIN, 'docker-registry'), ['serve', config], { reject: false, stdio: 'ignore' });
  const host = `127.0.0.1:${port}`;
  await waitFor('the OCI registry to answer', async () => ((await fetch(`http://${host}/v2/`).catch(() => undefined))?.ok ? true : undefined), { timeoutMs: 20_000 });
  return {
    host,
    close: async () => {
      child.kill('SIGTERM');
      await child;
    },
  };
}

/** Pushes every fixture chart package to oci://<host>/charts. */
export async function pushFixtures(registry: OciRegistry): Promise<string[]> {
  const helm = await isolatedHelm(HELM_MAJORS[0]);
  const packages = (await readdir(FIXTURES_REPO)).filter((f) => f.endsWith('.tgz'));
  for (const pkg of packages) {
    await helm(['push', join(FIXTURES_REPO, pkg), `oci://${registry.host}/charts`, '--plain-http']);
  }
  return packages;
}
