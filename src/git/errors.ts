// What can go wrong when capstan runs git, decided once from git's exit and its words on stderr
// (git has no machine-readable errors). Each error carries a stable `reason` that flows unchanged
// into a GitRepository's conditions and events, and a message that names the cause and the fix.
// Messages quote git's last line only after any credentials in a URL have been masked.

export type GitReason = 'AuthenticationFailed' | 'RepositoryNotFound' | 'RefNotFound' | 'FetchFailed';

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
}

/** git's own account: its last `fatal:`/`error:` line, masked, short enough for a condition. */
export function gitSays(stderr: string): string {
  const lines = stderr.trimEnd().split('\n').map((l) => l.trim()).filter(Boolean);
  const last = lines.findLast((l) => /^(fatal|error):/.test(l)) ?? lines.at(-1) ?? '';
  const said = last.replace(/^(fatal|error):\s*/, '').replace(/[a-z][a-z0-9+.-]*:\/\/[^\s'"]+/gi, (u) => maskUrl(u));
  return said.length > 500 ? `${said.slice(0, 500)}…` : said;
}

export function classifyGitFailure(f: GitFailure): GitError {
  const url = maskUrl(f.url);
  if (f.spawnError !== undefined) {
    return new GitError('FetchFailed', f.operation, `cannot run git: ${f.spawnError}; install git (Debian package git) on the controller's PATH`);
  }
  if (f.timedOutAfterMs !== undefined) {
    return new GitError('FetchFailed', f.operation, `git ${f.operation} of ${url} did not finish within ${Math.round(f.timedOutAfterMs / 1000)}s: check that the server is reachable, or raise spec.timeout`);
  }
  const said = gitSays(f.stderr);
  if (/could not read (Username|Password)|Authentication failed|returned error: (401|403)|terminal prompts disabled/i.test(f.stderr)) {
    return new GitError('AuthenticationFailed', f.operation, `${url} refused the credentials (${said}): check the username/password or token in the spec.secretRef Secret`);
  }
  if (/repository '.*' not found|returned error: 404|does not appear to be a git repository/i.test(f.stderr)) {
    return new GitError('RepositoryNotFound', f.operation, `no Git repository at ${url} (${said}): check spec.url`);
  }
  if (/couldn't find remote ref|not our ref|unadvertised object|no such remote ref/i.test(f.stderr)) {
    return new GitError('RefNotFound', f.operation, `${said} in ${url}: check spec.ref`);
  }
  if (/certificate|SSL/i.test(f.stderr)) {
    return new GitError('FetchFailed', f.operation, `TLS failure talking to ${url} (${said}): give the server's CA as caFile in the spec.secretRef Secret`);
  }
  return new GitError('FetchFailed', f.operation, `git ${f.operation} of ${url} failed: ${said}`);
}
