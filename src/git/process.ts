// Runs one git process: arguments in, stdout or a classified GitError out, within a deadline.
//
// Credentials never go on the command line (`ps` shows it), in a log or in an error message: a
// username/password or a token travels as an `http.extraHeader` in GIT_CONFIG_KEY_n/VALUE_n
// variables, a private CA in a file readable only by this process (GIT_SSL_CAINFO) that is removed
// when git exits. Over SSH, the private key and known_hosts are such files too, named in
// GIT_SSH_COMMAND: ssh reads no config (-F /dev/null), uses that key only (no agent, no default
// keys), never prompts (BatchMode) and always checks the host key against known_hosts
// (StrictHostKeyChecking=yes: an unknown host is refused, never trusted on first use). No config of
// the machine or the user is read (GIT_CONFIG_NOSYSTEM, GIT_CONFIG_GLOBAL), git never prompts
// (GIT_TERMINAL_PROMPT=0), and only a short list of variables is passed through.
import { execa } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { passThrough } from '../process/environment.ts';
import { classifyGitFailure, type GitOperation } from './errors.ts';

export interface GitAccess {
  username?: string;
  password?: string;
  bearerToken?: string;
  /** PEM of the CA(s) that sign the server's certificate. */
  ca?: string;
  /** SSH private key (OpenSSH or PEM, unencrypted). */
  identity?: string;
  /** known_hosts lines of the SSH server's host key(s). */
  knownHosts?: string;
}

/** Files runGit writes for one git process, readable only by it. */
export interface GitFiles {
  caFile?: string;
  identityFile?: string;
  knownHostsFile?: string;
}

export interface GitSession {
  url: string;
  access: GitAccess;
  /** Epoch ms after which git is stopped (spec.timeout, from the start of the reconcile). */
  deadline: number;
  signal?: AbortSignal;
  /** Where the CA, key and known_hosts files are written (in a fresh 0700 folder per process). */
  tempDir: string;
  binary?: string;
  /** `namespace/name` of the Secret the access came from, named in messages. */
  secret?: string;
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

const shellQuote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/** The ssh command line git runs: paths of the key and known_hosts files, never their contents. */
export function sshCommand(identityFile: string | undefined, knownHostsFile: string | undefined, connectTimeoutS: number): string {
  const options = [
    'BatchMode=yes', 'StrictHostKeyChecking=yes', 'GlobalKnownHostsFile=/dev/null', 'UpdateHostKeys=no',
    'IdentitiesOnly=yes', 'IdentityAgent=none', 'ForwardAgent=no', 'PreferredAuthentications=publickey',
    'ControlMaster=no', 'ControlPath=none', 'ClearAllForwardings=yes', 'LogLevel=ERROR', `ConnectTimeout=${String(connectTimeoutS)}`,
  ];
  const files = [`UserKnownHostsFile=${knownHostsFile ?? '/dev/null'}`, ...(identityFile !== undefined ? [`IdentityFile=${identityFile}`] : [])];
  return ['ssh', '-F', '/dev/null', ...[...options, ...files].flatMap((o) => ['-o', shellQuote(o)])].join(' ');
}

export function gitEnv(access: GitAccess, files: GitFiles, home: string, connectTimeoutS = 30): Record<string, string> {
  const env = passThrough(PASSED_THROUGH);
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
  if (files.caFile !== undefined) env.GIT_SSL_CAINFO = files.caFile;
  // Set for every URL, so that whatever makes git talk SSH gets the strict settings.
  env.GIT_SSH_COMMAND = sshCommand(files.identityFile, files.knownHostsFile, connectTimeoutS);
  env.GIT_SSH_VARIANT = 'ssh';
  return env;
}

/** Writes the access's CA, key and known_hosts into `dir` (made by mkdtemp: 0700), each 0600. */
async function writeFiles(access: GitAccess, dir: string): Promise<GitFiles> {
  const files: GitFiles = {};
  const contents: [keyof GitFiles, string, string | undefined][] = [
    ['caFile', 'ca.crt', access.ca],
    // ssh refuses a key whose last line has no newline.
    ['identityFile', 'identity', access.identity?.replace(/\r\n/g, '\n').replace(/\n?$/, '\n')],
    ['knownHostsFile', 'known_hosts', access.knownHosts],
  ];
  for (const [field, name, content] of contents) {
    if (content === undefined) continue;
    files[field] = join(dir, name);
    await writeFile(files[field], content, { mode: 0o600 });
  }
  return files;
}

/** Runs `git args` (in `cwd`); resolves with stdout when git exits 0, else rejects with a GitError. */
export async function runGit(session: GitSession, operation: GitOperation, args: string[], cwd?: string): Promise<string> {
  const scratch = await mkdtemp(join(session.tempDir, 'git-'));
  try {
    // Local steps (init, checkout, ls-tree) get no credentials: the key is on disk only while needed.
    const access = operation === 'ls-remote' || operation === 'fetch' ? session.access : {};
    const files = await writeFiles(access, scratch);
    const timeoutMs = Math.max(1, session.deadline - Date.now());
    const result = await execa(session.binary ?? 'git', args, {
      env: gitEnv(access, files, scratch, Math.ceil(timeoutMs / 1000)),
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
    const failure = { operation, url: session.url, stderr: result.stderr, ...(session.secret !== undefined ? { secret: session.secret } : {}) };
    if (result.timedOut) throw classifyGitFailure({ ...failure, timedOutAfterMs: timeoutMs });
    if (result.exitCode === undefined) throw classifyGitFailure({ ...failure, spawnError: result.originalMessage });
    throw classifyGitFailure(failure);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
