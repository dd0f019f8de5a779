// The real helm binaries (3 and 4), each call isolated from the user's helm configuration.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHelm, type Helm as CapstanHelm, type HelmConfig } from '../../src/helm/cli.ts';
import { HelmError, type HelmReason } from '../../src/helm/errors.ts';
import { FIXTURES_REPO, KUBECONFIG, type HelmMajor } from './paths.ts';
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

/** capstan's own helm wrapper for one major, against the test cluster, with a home of its own. */
export async function capstanHelm(major: HelmMajor, config: Partial<HelmConfig> = {}): Promise<CapstanHelm> {
  const home = await mkdtemp(join(tmpdir(), 'capstan-helm-home-'));
  return openHelm({ binary: major.binary, home, kubeconfig: KUBECONFIG, ...config });
}

/** A fixture chart package, as the source module would hand it to helm. */
export function fixtureChart(name: string, version: string): string {
  return join(FIXTURES_REPO, `${name}-${version}.tgz`);
}

/** Asserts that a helm call failed with the reason a user would see, and returns the error. */
export async function rejectsWithHelmReason(promise: Promise<unknown>, reason: HelmReason): Promise<HelmError> {
  let caught: unknown;
  await promise.then(() => undefined, (err: unknown) => { caught = err; });
  assert.ok(caught instanceof HelmError, `expected a HelmError with reason ${reason}, got ${String(caught)}`);
  assert.equal(caught.reason, reason, caught.message);
  return caught;
}
