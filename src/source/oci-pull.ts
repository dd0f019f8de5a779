// Pulls one chart version from an OCI registry with `helm pull oci://…`. Credentials and TLS
// material go into files of a private temporary folder (a registry config in docker's format,
// PEM files), never on the command line where `ps` would show them; helm's own config, cache
// and data folders point there too, so nothing of the controller's environment leaks in or out.
// The package is then verified and stored in the content-addressed chart cache.
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkChartArchive } from './chart-archive.ts';
import type { ChartCache } from './chart-cache.ts';
import { ChartPullError } from './errors.ts';
import type { Credentials, TlsOptions } from './http-get.ts';
import { parseOciUrl } from './oci-tags.ts';

export interface OciPullOptions {
  helmBinary: string;
  /** The HelmRepository URL: oci://host[:port]/path. */
  url: string;
  chart: string;
  /** The exact version to pull (as resolved from the tags). */
  version: string;
  credentials?: Credentials;
  insecure?: boolean;
  tls?: TlsOptions;
  timeoutMs: number;
  cache: ChartCache;
  signal?: AbortSignal;
}

export interface PulledChart {
  path: string;
  /** sha256:<hex> of the package. */
  digest: string;
  size: number;
  /** The OCI manifest digest helm reported, the source revision of an OCI chart. */
  manifestDigest?: string;
}

/** Files the pull reads, all inside the private temporary folder. */
export interface PullFiles {
  dir: string;
  destination: string;
  registryConfig: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

/** helm's arguments: paths and flags only, never a secret. */
export function pullArgs(options: Pick<OciPullOptions, 'url' | 'chart' | 'version' | 'insecure'>, files: PullFiles): string[] {
  const args = [
    'pull', `${options.url.replace(/\/+$/, '')}/${options.chart}`,
    '--version', options.version,
    '--destination', files.destination,
    '--registry-config', files.registryConfig,
  ];
  if (options.insecure === true) args.push('--plain-http');
  if (files.caFile !== undefined) args.push('--ca-file', files.caFile);
  if (files.certFile !== undefined) args.push('--cert-file', files.certFile);
  if (files.keyFile !== undefined) args.push('--key-file', files.keyFile);
  return args;
}

/** A docker-style registry config holding the credentials for one host. */
export function registryConfig(host: string, credentials: Credentials | undefined): string {
  if (!credentials) return JSON.stringify({ auths: {} });
  const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  return JSON.stringify({ auths: { [host]: { auth } } });
}

const AUTH_FAILURE = /\b401\b|unauthorized|authentication required|denied|forbidden|\b403\b/i;

export async function pullOciChart(options: OciPullOptions): Promise<PulledChart> {
  const { host } = parseOciUrl(options.url);
  const dir = await mkdtemp(join(tmpdir(), 'capstan-pull-'));
  try {
    const files = await writeFiles(dir, host, options);
    const result = await execa(options.helmBinary, pullArgs(options, files), {
      env: { HELM_CONFIG_HOME: join(dir, 'config'), HELM_CACHE_HOME: join(dir, 'cache'), HELM_DATA_HOME: join(dir, 'data') },
      timeout: options.timeoutMs,
      cancelSignal: options.signal,
      reject: false,
      stdin: 'ignore',
    });
    const output = `${result.stdout}\n${result.stderr}`;
    if (result.exitCode !== 0 || result.failed) {
      const why = result.timedOut ? `timed out after ${options.timeoutMs / 1000}s` : result.stderr.trim().split('\n').slice(-3).join(' ') || `exit code ${String(result.exitCode)}`;
      throw new ChartPullError(`helm pull of ${options.chart} ${options.version} from ${options.url} failed: ${why}`, { authentication: AUTH_FAILURE.test(result.stderr), cause: result });
    }
    const packages = (await readdir(files.destination)).filter((f) => f.endsWith('.tgz'));
    const pkg = packages[0];
    if (pkg === undefined || packages.length !== 1) throw new ChartPullError(`helm pull of ${options.chart} ${options.version} left ${packages.length} packages instead of one`);
    const bytes = await readFile(join(files.destination, pkg));
    const source = `${options.url}/${options.chart}:${options.version}`;
    await checkChartArchive(bytes, source);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const path = await options.cache.put(sha256, bytes);
    const manifestDigest = /Digest:\s*(sha256:[0-9a-f]{64})/.exec(output)?.[1];
    return { path, digest: `sha256:${sha256}`, size: bytes.length, ...(manifestDigest !== undefined ? { manifestDigest } : {}) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function writeFiles(dir: string, host: string, options: OciPullOptions): Promise<PullFiles> {
  const secret = (name: string, content: string) => writeFile(join(dir, name), content, { mode: 0o600 }).then(() => join(dir, name));
  const files: PullFiles = {
    dir,
    destination: join(dir, 'out'),
    registryConfig: await secret('registry-config.json', registryConfig(host, options.credentials)),
  };
  await mkdir(files.destination);
  if (options.tls?.ca !== undefined) files.caFile = await secret('ca.crt', options.tls.ca);
  if (options.tls?.cert !== undefined) files.certFile = await secret('tls.crt', options.tls.cert);
  if (options.tls?.key !== undefined) files.keyFile = await secret('tls.key', options.tls.key);
  return files;
}
