// One configured helm binary: where it is, which major it is, the folder it keeps its state in,
// the cluster it talks to, and how every invocation is stopped and observed. Commands (commands.ts)
// call `call` with their arguments; this adds the namespace and impersonation flags and runs helm.
import { mkdir } from 'node:fs/promises';
import { globalArgs, type Dialect, type Impersonation } from './args.ts';
import type { HelmAction, TestRun } from './errors.ts';
import type { WaitStrategy } from './flags.ts';
import { helmEnv, runHelm, type AbortBehaviour, type HelmObserver, type HelmOutput } from './process.ts';
import { helmVersion, type HelmVersion } from './version.ts';

export interface HelmConfig {
  /** Path of the helm 3 or helm 4 binary. */
  binary: string;
  /** capstan's own folder for helm's config, cache and data: nothing of a user's helm setup is read. */
  home: string;
  /** A kubeconfig file; without one helm uses the pod's service account (in-cluster config). */
  kubeconfig?: string;
  /** Time between SIGTERM (or an abort, for commands left to finish) and SIGKILL. Default 30 s. */
  killGraceMs?: number;
  /** helm 4 only: how --wait waits (default watcher, helm 4's own default). */
  waitStrategy?: WaitStrategy;
  observe?: HelmObserver;
  /** Where values files are written (default: the OS temp folder). */
  tempDir?: string;
  /** Every command acts as this user unless the call names another (a HelmRelease's service account). */
  impersonate?: string;
}

export interface Helm {
  readonly config: HelmConfig;
  readonly version: HelmVersion;
  readonly dialect: Dialect;
}

export async function openHelm(config: HelmConfig): Promise<Helm> {
  await mkdir(config.home, { recursive: true, mode: 0o700 });
  const version = await helmVersion(config.binary, config.home);
  const dialect: Dialect = { major: version.major, ...(config.waitStrategy !== undefined ? { waitStrategy: config.waitStrategy } : {}) };
  return { config, version, dialect };
}

/** Who runs the command, where, and how it may be stopped. */
export interface Scope {
  namespace?: string;
  impersonate?: Impersonation;
  signal?: AbortSignal;
}

export interface Call extends Scope {
  /** namespace/name, for messages. */
  release?: string;
  onAbort: AbortBehaviour;
  deadlineMs: number;
  readTests?: (stdout: string) => TestRun[];
}

export const DEFAULT_KILL_GRACE_MS = 30_000;

export function call(helm: Helm, action: HelmAction, args: string[], c: Call): Promise<HelmOutput> {
  const impersonate = c.impersonate ?? (helm.config.impersonate !== undefined ? { user: helm.config.impersonate } : undefined);
  return runHelm({
    binary: helm.config.binary,
    action,
    args: [...args, ...globalArgs({ ...c, impersonate })],
    env: helmEnv(helm.config.home, helm.config.kubeconfig),
    onAbort: c.onAbort,
    deadlineMs: c.deadlineMs,
    killGraceMs: helm.config.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
    ...(c.release !== undefined ? { release: c.release } : {}),
    ...(impersonate !== undefined ? { impersonating: impersonate.user } : {}),
    ...(c.signal !== undefined ? { signal: c.signal } : {}),
    ...(helm.config.observe !== undefined ? { observe: helm.config.observe } : {}),
    ...(c.readTests !== undefined ? { readTests: c.readTests } : {}),
  });
}
