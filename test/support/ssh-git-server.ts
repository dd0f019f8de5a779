// A Git server over SSH on loopback: Debian's sshd (openssh-server) on a free port, key-only, with
// a host key generated for the run, serving git-upload-pack on the bare repositories of a folder
// (the root of a smart-HTTP GitServer, so both protocols serve the same repositories). Every SSH
// session is logged with the command it asked for, so tests can count what a poll costs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './net.ts';
import { run } from './run.ts';

const SSHD = '/usr/sbin/sshd';
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

export interface SshKeyPair {
  /** OpenSSH private key (PEM-like armour), as a Secret's `identity`. */
  privateKey: string;
  /** `ssh-ed25519 AAAA…`, without a comment. */
  publicKey: string;
}

/** A fresh ed25519 key pair, made by ssh-keygen without a passphrase. */
export async function sshKeyPair(): Promise<SshKeyPair> {
  const dir = await mkdtemp(join(tmpdir(), 'capstan-sshkey-'));
  try {
    const file = join(dir, 'key');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', file]);
    const [privateKey, publicKey] = await Promise.all([readFile(file, 'utf8'), readFile(`${file}.pub`, 'utf8')]);
    return { privateKey, publicKey: publicKey.trim().split(/\s+/).slice(0, 2).join(' ') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The known_hosts line of a host key served on a loopback port. */
export function knownHostsLine(port: number, publicKey: string): string {
  return `[127.0.0.1]:${String(port)} ${publicKey}\n`;
}

export interface SshSession {
  /** `ls-remote` when the client only read the refs, `fetch` when it asked for objects. */
  kind: 'ls-remote' | 'fetch';
  /** e.g. /app.git */
  repository: string;
}

export interface SshGitServer {
  /** `ssh://<user>@127.0.0.1:<port>`: append a repository's path (`/app.git`). */
  url: string;
  port: number;
  /** known_hosts for the server's host key. */
  knownHosts: string;
  /** The key the server accepts. */
  client: SshKeyPair;
  /** Every SSH session that ended so far, oldest first. */
  sessions(): Promise<SshSession[]>;
  close(): Promise<void>;
}

// ForceCommand: whatever the client asks for, the session runs this script, which serves
// git-upload-pack on a repository under the root and refuses everything else. Once the session
// ends it logs what it was: a `fetch` when the client asked for objects (a `want` line in git's
// packet trace), else an `ls-remote` (the client only read the refs).
function serveScript(root: string, log: string): string {
  return `#!/bin/sh
case "$SSH_ORIGINAL_COMMAND" in
  "git-upload-pack '/"*"'") ;;
  *) echo "this test server only serves git-upload-pack" >&2; exit 1 ;;
esac
repo=\${SSH_ORIGINAL_COMMAND#"git-upload-pack '"}
repo=\${repo%"'"}
case "$repo" in *..*|*"'"*) echo "bad repository path" >&2; exit 1 ;; esac
trace=$(mktemp)
GIT_TRACE_PACKET="$trace" git-upload-pack '${root}'"$repo"
status=$?
if grep -q 'upload-pack< want ' "$trace"; then kind=fetch; else kind=ls-remote; fi
rm -f "$trace"
printf '%s %s\\n' "$kind" "$repo" >> '${log}'
exit $status
`;
}

function sshdConfig(dir: string, port: number, user: string): string {
  return [
    `Port ${String(port)}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_key')}`,
    'PidFile none',
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    // The files live in a temp folder the test owns, not in a home directory sshd would vet.
    'StrictModes no',
    'UsePAM no',
    `AllowUsers ${user}`,
    `ForceCommand ${join(dir, 'serve.sh')}`,
    'PermitTTY no',
    'AllowTcpForwarding no',
    'X11Forwarding no',
    'LogLevel VERBOSE',
    '',
  ].join('\n');
}

/** Starts sshd; resolves once it listens, rejects with its stderr when it does not. */
function startSshd(config: string): Promise<ChildProcess> {
  const sshd = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      sshd.kill('SIGKILL');
      reject(new Error(`sshd did not start (${why}):\n${stderr}`));
    };
    const timer = setTimeout(() => { fail(`not listening after ${String(START_TIMEOUT_MS)} ms`); }, START_TIMEOUT_MS);
    sshd.on('error', (err) => { fail(`${err.message}; install openssh-server (make tools)`); });
    const onExit = (code: number | null) => { fail(`exited ${String(code)}`); };
    sshd.on('exit', onExit);
    const onData = (chunk: string) => {
      stderr += chunk;
      if (!/Server listening on/.test(stderr)) return;
      clearTimeout(timer);
      sshd.off('exit', onExit);
      sshd.stderr.off('data', onData).resume();
      resolve(sshd);
    };
    sshd.stderr.setEncoding('utf8').on('data', onData);
  });
}

/** Serves git-upload-pack over SSH for the bare repositories under `root`. */
export async function startSshGitServer(root: string): Promise<SshGitServer> {
  const dir = await mkdtemp(join(tmpdir(), 'capstan-sshd-'));
  const user = userInfo().username;
  // As root, sshd insists on its privilege separation folder, which only its service unit makes.
  if (process.getuid?.() === 0) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const log = join(dir, 'sessions.log');
  const [host, client] = await Promise.all([sshKeyPair(), sshKeyPair()]);
  await Promise.all([
    writeFile(join(dir, 'host_key'), host.privateKey, { mode: 0o600 }),
    writeFile(join(dir, 'authorized_keys'), `restrict ${client.publicKey}\n`, { mode: 0o600 }),
    writeFile(join(dir, 'serve.sh'), serveScript(root, log), { mode: 0o700 }),
    writeFile(log, ''),
  ]);
  // Another process may take the free port before sshd binds it: try a few.
  let sshd: ChildProcess | undefined;
  let port = 0;
  for (let attempt = 0; sshd === undefined; attempt++) {
    port = await freePort();
    await writeFile(join(dir, 'sshd_config'), sshdConfig(dir, port, user));
    try {
      sshd = await startSshd(join(dir, 'sshd_config'));
    } catch (err) {
      if (attempt >= 2 || !(err instanceof Error) || !/Address already in use/.test(err.message)) throw err;
    }
  }
  const server = sshd;
  return {
    url: `ssh://${user}@127.0.0.1:${String(port)}`,
    port,
    knownHosts: knownHostsLine(port, host.publicKey),
    client,
    sessions: async () => (await readFile(log, 'utf8')).split('\n').filter(Boolean).map((line) => {
      const [kind, repository] = line.split(' ') as [SshSession['kind'], string];
      return { kind, repository };
    }),
    close: async () => {
      if (server.exitCode === null && server.signalCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGTERM');
        const timer = setTimeout(() => server.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
