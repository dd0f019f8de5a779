// The real helm binaries (3 and 4), each call isolated from the user's helm configuration.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KUBECONFIG, type HelmMajor } from './paths.ts';
import { run, type RunOptions, type RunResult } from './run.ts';

export type Helm = (args: string[], options?: RunOptions) => Promise<RunResult>;

/** A helm runner with its own config, cache and data folders (repositories, registry logins). */
export async function isolatedHelm(major: HelmMajor): Promise<Helm> {
  const home = await mkdtemp(join(tmpdir(), 'capstan-helm-'));
  const env = {
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_DATA_HOME: join(home, 'data'),
    KUBECONFIG,
  };
  return (args, options = {}) => run(major.binary, args, { ...options, env: { ...env, ...options.env } });
}
