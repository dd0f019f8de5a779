// Runs one helm process: arguments and environment in, bounded output and a classified error out.
//
// Stopping helm is the delicate part. helm 3.17 and 4.1 catch SIGTERM in `install` and `upgrade`:
// they cancel the operation, mark the release `failed` and exit, so a controller that is shutting
// down leaves no release `pending-*`. `rollback` and `uninstall` have no such handler: SIGTERM kills
// them at once (a killed rollback stays `pending-rollback`, see test/integration/helm/cancel.test.ts).
// So an abort sends SIGTERM only to commands that handle it (`onAbort: 'terminate'`); the others
// are left to finish (`'drain'`). Either way helm gets `killGraceMs` before SIGKILL, the last
// resort that can leave a release pending.
//
// Nothing secret goes on the command line (`ps` shows it): values travel in a file, credentials in
// the kubeconfig file that KUBECONFIG names. helm's config, cache and data folders point at a folder
// of capstan's own, and only a short list of variables is passed through, so a HELM_* setting of
// the controller's environment (HELM_NAMESPACE, HELM_DRIVER, HELM_KUBETOKEN…) cannot change what
// helm does.
import { execa } from 'execa';
import { join } from 'node:path';
import { passThrough } from '../process/environment.ts';
import { classifyFailure, HelmOutputError, type HelmAction, type HelmError, type HelmReason, type TestRun } from './errors.ts';

/** Called once per invocation; the runtime turns it into capstan_helm_action_duration_seconds. */
export type HelmObserver = (action: HelmAction, result: 'success' | HelmReason, durationMs: number) => void;

export type AbortBehaviour = 'terminate' | 'drain';

export interface HelmInvocation {
  binary: string;
  action: HelmAction;
  args: string[];
  env: Record<string, string>;
  /** namespace/name, for error messages. */
  release?: string;
  impersonating?: string;
  signal?: AbortSignal;
  onAbort?: AbortBehaviour;
  /** The wrapper's own deadline, beyond helm's --timeout: helm is stopped when it is exceeded. */
  deadlineMs: number;
  /** Between SIGTERM (or the abort, when draining) and SIGKILL. */
  killGraceMs: number;
  observe?: HelmObserver;
  /** Parses test results out of stdout, so that a failed `helm test` reports them. */
  readTests?: (stdout: string) => TestRun[];
  maxStdoutBytes?: number;
  maxStderrBytes?: number;
}

export interface HelmOutput {
  stdout: string;
  stderr: string;
  durationMs: number;
}

// JSON of a large release (helm 4's `status` includes every live object) stays well below this.
const MAX_STDOUT = 64 * 1024 * 1024;
const MAX_STDERR = 256 * 1024;

/**
 * Variables helm may need from the controller's environment: where the cluster is (a KUBECONFIG of
 * the environment, as the controller's own client reads it, or the in-cluster service), proxies,
 * the temp folder.
 */
const PASSED_THROUGH = [
  'PATH', 'HOME', 'TMPDIR', 'KUBECONFIG', 'KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT',
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy',
];

/** helm's environment: isolated homes under `home`, the kubeconfig by path (else in-cluster). */
export function helmEnv(home: string, kubeconfig?: string): Record<string, string> {
  const env = passThrough(PASSED_THROUGH);
  env.HELM_CONFIG_HOME = join(home, 'config');
  env.HELM_CACHE_HOME = join(home, 'cache');
  env.HELM_DATA_HOME = join(home, 'data');
  if (kubeconfig !== undefined) env.KUBECONFIG = kubeconfig;
  return env;
}

/** Keeps the first `limit` bytes of a stream, and says whether more came. */
class HeadBuffer {
  private readonly chunks: Buffer[] = [];
  private readonly limit: number;
  private size = 0;
  truncated = false;
  constructor(limit: number) {
    this.limit = limit;
  }
  push(chunk: Buffer): void {
    if (this.size >= this.limit) {
      this.truncated = true;
      return;
    }
    const room = this.limit - this.size;
    if (chunk.length > room) this.truncated = true;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(kept);
    this.size += kept.length;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** Keeps the last `limit` bytes of a stream: helm's error is at the end. */
class TailBuffer {
  private readonly chunks: Buffer[] = [];
  private readonly limit: number;
  private size = 0;
  constructor(limit: number) {
    this.limit = limit;
  }
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.limit) this.size -= this.chunks.shift()?.length ?? 0;
  }
  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString('utf8');
  }
}

/** Runs helm; resolves with its output when it exits 0, else rejects with a classified HelmError. */
export async function runHelm(inv: HelmInvocation): Promise<HelmOutput> {
  // Starting an install or upgrade only to cancel it would record a needless failed revision.
  if (inv.signal?.aborted === true) throw classifyFailure({ ...about(inv), stderr: '', cancelled: true });
  const started = performance.now();
  const stdout = new HeadBuffer(inv.maxStdoutBytes ?? MAX_STDOUT);
  const stderr = new TailBuffer(inv.maxStderrBytes ?? MAX_STDERR);
  const child = execa(inv.binary, inv.args, {
    env: inv.env,
    extendEnv: false,
    stdin: 'ignore',
    buffer: false,
    reject: false,
    forceKillAfterDelay: false,
    // Stripping the final newline would change `helm get manifest` output.
    stripFinalNewline: false,
  });
  child.stdout.on('data', (chunk: Buffer) => { stdout.push(chunk); });
  child.stderr.on('data', (chunk: Buffer) => { stderr.push(chunk); });

  let cancelled = false;
  let deadlineExceeded = false;
  const timers: NodeJS.Timeout[] = [];
  const stop = (graceful: boolean) => {
    if (graceful) child.kill('SIGTERM');
    timers.push(setTimeout(() => child.kill('SIGKILL'), inv.killGraceMs).unref());
  };
  const onAbort = () => {
    cancelled = true;
    stop(inv.onAbort !== 'drain');
  };
  inv.signal?.addEventListener('abort', onAbort, { once: true });
  timers.push(setTimeout(() => {
    deadlineExceeded = true;
    stop(true);
  }, inv.deadlineMs).unref());

  try {
    const result = await child;
    const durationMs = performance.now() - started;
    const out = stdout.text();
    const err = stderr.text();
    if (result.exitCode === 0 && !stdout.truncated) {
      inv.observe?.(inv.action, 'success', durationMs);
      return { stdout: out, stderr: err, durationMs };
    }
    const error = failureOf(inv, result, { stdout: out, stderr: err, truncated: stdout.truncated, cancelled, deadlineExceeded });
    inv.observe?.(inv.action, error.reason, durationMs);
    throw error;
  } finally {
    for (const timer of timers) clearTimeout(timer);
    inv.signal?.removeEventListener('abort', onAbort);
  }
}

interface Ended {
  exitCode?: number;
  signal?: string;
  failed: boolean;
  code?: string;
  originalMessage?: string;
}

interface Seen {
  stdout: string;
  stderr: string;
  truncated: boolean;
  cancelled: boolean;
  deadlineExceeded: boolean;
}

/** What every failure of this invocation says about it. */
function about(inv: HelmInvocation) {
  return {
    action: inv.action,
    ...(inv.release !== undefined ? { release: inv.release } : {}),
    ...(inv.impersonating !== undefined ? { impersonating: inv.impersonating } : {}),
  };
}

function failureOf(inv: HelmInvocation, result: Ended, seen: Seen): HelmError {
  const base = {
    ...about(inv),
    stderr: seen.stderr,
    ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
    ...(result.signal !== undefined ? { signal: result.signal } : {}),
  };
  if (result.exitCode === undefined && result.signal === undefined) {
    return classifyFailure({ ...base, spawnError: result.originalMessage ?? result.code ?? 'unknown error' });
  }
  if (result.exitCode === 0) {
    return new HelmOutputError(`helm ${inv.action} printed more than ${String(inv.maxStdoutBytes ?? MAX_STDOUT)} bytes, the most capstan reads`, base);
  }
  // An abort only counts when helm did stop because of it: a helm that finished its own way
  // (deployed, or failed on its own timeout) while draining reports that instead.
  const stoppedByUs = result.signal !== undefined || /context canceled/.test(seen.stderr);
  const tests = inv.action === 'test' && inv.readTests ? inv.readTests(seen.stdout) : [];
  return classifyFailure({
    ...base,
    cancelled: seen.cancelled && stoppedByUs,
    deadlineExceeded: seen.deadlineExceeded && !seen.cancelled && stoppedByUs,
  }, tests);
}
