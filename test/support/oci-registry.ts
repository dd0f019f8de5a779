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
  /** The credentials it demands, when started with basic auth. */
  auth?: { username: string; password: string };
  close(): Promise<void>;
}

/** A user of a registry with basic auth; hash is the password's bcrypt hash (htpasswd -B). */
export interface RegistryUser {
  username: string;
  password: string;
  bcrypt: string;
}

// `htpasswd -nbB -C 10 capstan registry-password`, made once: the hash is a fixture like the password,
// so the tests need no htpasswd binary.
export const REGISTRY_USER: RegistryUser = {
  username: 'capstan',
  password: 'registry-password',
  bcrypt: '$2y$10$D/hba8akgQKgRDlMrvaJkutswltzZM/kg36FrcC49IIKKIYAlyq.S',
};

export async function startOciRegistry(options: { user?: RegistryUser } = {}): Promise<OciRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'capstan-oci-'));
  const port = await freePort();
  const config = join(dir, 'config.yml');
  const htpasswd = join(dir, 'htpasswd');
  if (options.user) await writeFile(htpasswd, `${options.user.username}:${options.user.bcrypt}\n`);
  await writeFile(config, [
    'version: 0.1',
    'log: {level: warn}',
    `storage: {filesystem: {rootdirectory: ${join(dir, 'data')}}, delete: {enabled: true}}`,
    `http: {addr: "127.0.0.1:${port}"}`,
    ...(options.user ? [`auth: {htpasswd: {realm: capstan-test, path: ${htpasswd}}}`] : []),
    '',
  ].join('\n'));
  const child: ResultPromise = execa(join(TOOLS_BIN, 'docker-registry'), ['serve', config], { reject: false, stdio: 'ignore' });
  const host = `127.0.0.1:${port}`;
  const answers = (res: Response | undefined) => res !== undefined && (res.ok || res.status === 401);
  await waitFor('the OCI registry to answer', async () => (answers(await fetch(`http://${host}/v2/`).catch(() => undefined)) ? true : undefined), { timeoutMs: 20_000 });
  return {
    host,
    ...(options.user ? { auth: { username: options.user.username, password: options.user.password } } : {}),
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
  // Credentials go in a registry config file, as `helm registry login` would write it.
  const login = registry.auth ? ['--registry-config', await registryConfigFile(registry.host, registry.auth)] : [];
  for (const pkg of packages) {
    await helm(['push', join(FIXTURES_REPO, pkg), `oci://${registry.host}/charts`, '--plain-http', ...login]);
  }
  return packages;
}

async function registryConfigFile(host: string, auth: { username: string; password: string }): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'capstan-registry-config-')), 'config.json');
  const encoded = Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
  await writeFile(file, JSON.stringify({ auths: { [host]: { auth: encoded } } }), { mode: 0o600 });
  return file;
}
