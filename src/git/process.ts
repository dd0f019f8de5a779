// Runs one git process: arguments in, stdout or a classified GitError out, within a deadline.
//
// Credentials never go on the command line (`ps` shows it), in a log or in an error message: a
// username/password or a token travels as an `http.extraHeader` in GIT_CONFIG_KEY_n/VALUE_n
// variables, a private CA in a file readable only by this process (GIT_SSL_CAINFO) that is removed
// when git exits. No config of the machine or the user is read (GIT_CONFIG_NOSYSTEM,
// GIT_CONFIG_GLOBAL), git never prompts (GIT_TERMINAL_PROMPT=0), and only a short list of
// variables is passed through.
import { execa } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { classifyGitFailure, type GitOperation } from './errors.ts';

export interface GitAccess {
  username?: string;
  password?: string;
  bearerToken?: string;
  /** PEM of the CA(s) that sign the server's certificate. */
  ca?: string;
}

export interface GitSession {
  url: string;
  access: GitAccess;
  /** Epoch ms after which git is stopped (spec.timeout, from the start of the reconcile). */
  deadline: number;
  signal?: AbortSignal;
  /** Where the CA file is written. */
  tempDir: string;
  binary?: string;
}

const PASSED_THROUGH = ['PATH', 'TMPDIR', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'];
const KILL_GRACE_MS = 5000;

/** The Authorization header the credentials make, if any. */
function authorization(access: GitAccess): string | undefined {
  if (access.bearerToken !== undefined) return `Bearer ${access.bearerToken}`;
  if (access.username !== undefined || access.password !== undefined) {
    return `Basic ${Buffer.from(`${access.username ?? ''}:${access.password ?? ''}`).toString('base64')}`;
  }
  return undefined;
}

export function gitEnv(access: GitAccess, caFile: string | undefined, home: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, { HOME: home, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_ASKPASS: '', SSH_ASKPASS: '' });
  const config: [string, string][] = [];
  const header = authorization(access);
  if (header !== undefined) {
    config.push(['http.extraHeader', `Authorization: ${header}`]);
    // git would send the header to wherever a redirect points: credentials stay with spec.url's host.
    config.push(['http.followRedirects', 'false']);
  }
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  if (config.length > 0) env.GIT_CONFIG_COUNT = String(config.length);
  if (caFile !== undefined) env.GIT_SSL_CAINFO = caFile;
  return env;
}

/** Runs `git args` (in `cwd`); resolves with stdout when git exits 0, else rejects with a GitError. */
export async function runGit(session: GitSession, operation: GitOperation, args: string[], cwd?: string): Promise<string> {
  const scratch = await mkdtemp(join(session.tempDir, 'git-'));
  try {
    let caFile: string | undefined;
    if (session.access.ca !== undefined) {
      caFile = join(scratch, 'ca.crt');
      await writeFile(caFile, session.access.ca, { mode: 0o600 });
    }
    const timeoutMs = Math.max(1, session.deadline - Date.now());
    const result = await execa(session.binary ?? 'git', args, {
      env: gitEnv(session.access, caFile, scratch),
      extendEnv: false,
      stdin: 'ignore',
      reject: false,
      timeout: timeoutMs,
      forceKillAfterDelay: KILL_GRACE_MS,
      ...(session.signal ? { cancelSignal: session.signal } : {}),
      ...(cwd !== undefined ? { cwd } : {}),
      stripFinalNewline: false,
    });
    if (result.exitCode === 0) return result.stdout;
    if (session.signal?.aborted === true) throw session.signal.reason;
    const failure = { operation, url: session.url, stderr: result.stderr };
    if (result.timedOut) throw classifyGitFailure({ ...failure, timedOutAfterMs: timeoutMs });
    if (result.exitCode === undefined) throw classifyGitFailure({ ...failure, spawnError: result.originalMessage });
    throw classifyGitFailure(failure);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
