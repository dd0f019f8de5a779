// What can go wrong when capstan runs git, decided once from git's exit and its words on stderr
// (git has no machine-readable errors). Each error carries a stable `reason` that flows unchanged
// into a GitRepository's conditions and events, and a message that names the cause and the fix.
// Messages quote git's last line only after any credentials in a URL have been masked. Over SSH,
// git only says that it could not read from the remote: ssh's own line says why, and is quoted
// instead (ssh never prints a private key; it may print the path of the temporary key file).

export type GitReason = 'AuthenticationFailed' | 'HostKeyVerificationFailed' | 'RepositoryNotFound' | 'RefNotFound' | 'FetchFailed';

export type GitOperation = 'ls-remote' | 'fetch' | 'checkout' | 'ls-tree' | 'init';

export class GitError extends Error {
  override readonly name = 'GitError';
  readonly reason: GitReason;
  readonly operation: GitOperation;

  constructor(reason: GitReason, operation: GitOperation, message: string) {
    super(message);
    this.reason = reason;
    this.operation = operation;
  }
}

/** The URL without user info: `https://user:secret@host/x` becomes `https://host/x`. */
export function maskUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

export interface GitFailure {
  operation: GitOperation;
  url: string;
  stderr: string;
  timedOutAfterMs?: number;
  /** The process could not be started (missing binary, permissions). */
  spawnError?: string;
  /** `namespace/name` of the Secret the credentials came from, for the fix. */
  secret?: string;
}

/** git's own account: its last `fatal:`/`error:` line, masked, short enough for a condition. */
export function gitSays(stderr: string): string {
  const lines = stderr.trimEnd().split('\n').map((l) => l.trim()).filter(Boolean);
  const last = lines.findLast((l) => /^(fatal|error):/.test(l)) ?? lines.at(-1) ?? '';
  const said = last.replace(/^(fatal|error):\s*/, '').replace(/[a-z][a-z0-9+.-]*:\/\/[^\s'"]+/gi, (u) => maskUrl(u));
  return said.length > 500 ? `${said.slice(0, 500)}…` : said;
}

/** Host and port of an ssh:// URL. */
function sshHost(url: string): { host: string; port: string } {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  return { host: parsed?.hostname ?? url, port: parsed?.port || '22' };
}

/** ssh's first line that matches `pattern`, trimmed and short enough for a condition. */
function sshLine(stderr: string, pattern: RegExp): string | undefined {
  const line = stderr.split(/\r?\n/).map((l) => l.trim()).find((l) => pattern.test(l));
  return line !== undefined && line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

const REACH_FIX = 'check the host and port in spec.url, and that the server is up and reachable from the controller';

const HOST_KEY = /host key is known for|Host key for .* has changed|Host key verification failed/;
const KEY_REFUSED = /Permission denied \(|Too many authentication failures|no mutual signature/;
const KEY_UNLOADABLE = /^Load key .*: (.*)$/;
const UNREACHABLE = /^ssh: |Connection (refused|timed out|closed|reset)|kex_exchange_identification|No route to host|Network is unreachable/;

/** What ssh (not git) said went wrong, when it was ssh. */
function classifySsh(f: GitFailure, secret: string): GitError | undefined {
  const { host: name, port } = sshHost(f.url);
  const host = `${name}:${port}`;
  const hostKey = sshLine(f.stderr, HOST_KEY);
  if (hostKey !== undefined) {
    const sent = sshLine(f.stderr, /^SHA256:/);
    const pattern = port === '22' ? name : `[${name}]:${port}`;
    return new GitError('HostKeyVerificationFailed', f.operation,
      `the SSH host key of ${host} does not match known_hosts in ${secret} (${hostKey}${sent !== undefined ? ` The server sent ${sent.replace(/\.$/, '')}.` : ''}): ` +
      `put the server's host key in known_hosts as "${pattern} <type> <key>" (ssh-keyscan -p ${port} ${name} prints it; check its fingerprint with the server's owner)`);
  }
  const unloadable = KEY_UNLOADABLE.exec(sshLine(f.stderr, KEY_UNLOADABLE) ?? '')?.[1];
  if (unloadable !== undefined) {
    return new GitError('AuthenticationFailed', f.operation,
      `ssh cannot load the private key in identity of ${secret} (${unloadable}): give an unencrypted private key in OpenSSH or PEM format`);
  }
  const refused = sshLine(f.stderr, KEY_REFUSED);
  if (refused !== undefined) {
    return new GitError('AuthenticationFailed', f.operation,
      `${host} refused the SSH key (${refused}): check that identity in ${secret} is the private key whose public key the server accepts for the user in spec.url`);
  }
  const unreachable = sshLine(f.stderr, UNREACHABLE);
  if (unreachable !== undefined) {
    return new GitError('FetchFailed', f.operation,
      `cannot reach the SSH server ${host} (${unreachable.replace(/^ssh: /, '')}): ${REACH_FIX}`);
  }
  return undefined;
}

export function classifyGitFailure(f: GitFailure): GitError {
  const url = maskUrl(f.url);
  const secret = f.secret !== undefined ? `the spec.secretRef Secret ${f.secret}` : 'the spec.secretRef Secret';
  if (f.spawnError !== undefined) {
    return new GitError('FetchFailed', f.operation, `cannot run git: ${f.spawnError}; install git (Debian package git) on the controller's PATH`);
  }
  if (f.timedOutAfterMs !== undefined) {
    return new GitError('FetchFailed', f.operation, `git ${f.operation} of ${url} did not finish within ${Math.round(f.timedOutAfterMs / 1000)}s: check that the server is reachable, or raise spec.timeout`);
  }
  const overSsh = f.url.startsWith('ssh://') ? classifySsh(f, secret) : undefined;
  if (overSsh) return overSsh;
  const said = gitSays(f.stderr);
  if (/could not read (Username|Password)|Authentication failed|returned error: (401|403)|terminal prompts disabled/i.test(f.stderr)) {
    return new GitError('AuthenticationFailed', f.operation, `${url} refused the credentials (${said}): check the username/password or token in ${secret}`);
  }
  if (/repository '.*' not found|returned error: 404|does not appear to be a git repository/i.test(f.stderr)) {
    return new GitError('RepositoryNotFound', f.operation, `no Git repository at ${url} (${said}): check spec.url`);
  }
  if (/couldn't find remote ref|not our ref|unadvertised object|no such remote ref/i.test(f.stderr)) {
    return new GitError('RefNotFound', f.operation, `${said} in ${url}: check spec.ref`);
  }
  if (/Failed to connect|Could not resolve host|Connection (refused|timed out|reset)|Couldn't connect/i.test(f.stderr)) {
    return new GitError('FetchFailed', f.operation, `cannot reach ${url} (${said}): ${REACH_FIX}`);
  }
  if (/certificate|SSL/i.test(f.stderr)) {
    return new GitError('FetchFailed', f.operation, `TLS failure talking to ${url} (${said}): give the server's CA as caFile in ${secret}`);
  }
  return new GitError('FetchFailed', f.operation, `git ${f.operation} of ${url} failed: ${said}`);
}
