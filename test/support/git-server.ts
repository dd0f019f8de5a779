// A Git smart-HTTP server on loopback: a small node server in front of Debian's git-http-backend
// (CGI), over HTTP or HTTPS with optional basic auth, logging every request. Tests make bare
// repositories under its root and push commits and tags to them straight through the filesystem.
import { spawn } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttp, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TlsMaterial } from './pki.ts';
import { run } from './run.ts';

const HTTP_BACKEND = '/usr/lib/git-core/git-http-backend';

export interface GitRequest {
  method: string;
  /** Path and query, e.g. /app.git/info/refs?service=git-upload-pack. */
  path: string;
  status: number;
}

export interface GitServerOptions {
  tls?: TlsMaterial;
  auth?: { username: string; password: string };
}

export interface GitServer {
  url: string;
  /** Folder holding the bare repositories. */
  root: string;
  requests: GitRequest[];
  close(): Promise<void>;
}

function authorized(req: IncomingMessage, auth: GitServerOptions['auth']): boolean {
  if (!auth) return true;
  const expected = Buffer.from(`Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`);
  const given = Buffer.from(req.headers.authorization ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Runs git-http-backend for one request: the request body streams in, the CGI answer streams out. */
function serveCgi(root: string, req: IncomingMessage, res: ServerResponse): Promise<number> {
  const url = new URL(req.url ?? '/', 'http://x');
  const header = (name: string) => {
    const value = req.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.replace(/^\?/, ''),
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: header('content-type') ?? '',
    REMOTE_ADDR: '127.0.0.1',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  };
  const optional: Record<string, string | undefined> = {
    CONTENT_LENGTH: header('content-length'),
    HTTP_CONTENT_ENCODING: header('content-encoding'),
    HTTP_GIT_PROTOCOL: header('git-protocol'),
  };
  for (const [name, value] of Object.entries(optional)) if (value !== undefined) env[name] = value;
  return new Promise((resolve) => {
    const cgi = spawn(HTTP_BACKEND, [], { env, stdio: ['pipe', 'pipe', 'ignore'] });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let status = 200;
    let started = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (started) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const text = head.toString('latin1');
      const match = /\r?\n\r?\n/.exec(text);
      if (!match) return;
      started = true;
      const headers: Record<string, string> = {};
      for (const line of text.slice(0, match.index).split(/\r?\n/)) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(match.index + match[0].length));
    });
    cgi.on('close', () => {
      if (!started) res.writeHead(500);
      res.end();
      resolve(started ? status : 500);
    });
  });
}

export async function startGitServer(options: GitServerOptions = {}): Promise<GitServer> {
  const root = await mkdtemp(join(tmpdir(), 'capstan-git-'));
  const requests: GitRequest[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const record = (status: number) => requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', status });
    if (!authorized(req, options.auth)) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="capstan-test"' }).end('unauthorized');
      record(401);
      return;
    }
    void serveCgi(root, req, res).then(record);
  };
  const server = options.tls ? createHttps({ cert: options.tls.cert, key: options.tls.key }, handler) : createHttp(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    root,
    requests,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => { resolve(); });
      });
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A bare repository on the server and a work tree that pushes to it. */
export interface TestRepository {
  /** Path on the server, e.g. /app.git. */
  path: string;
  /** Writes (or, with null, deletes) files, commits them and pushes the branch; returns the commit. */
  commit(files: Record<string, string | null>, branch?: string): Promise<string>;
  /** Tags the head of the work tree (annotated when a message is given) and pushes the tag. */
  tag(name: string, message?: string): Promise<string>;
}

const AUTHOR = {
  GIT_AUTHOR_NAME: 'capstan test', GIT_AUTHOR_EMAIL: 'test@capstan.invalid',
  GIT_COMMITTER_NAME: 'capstan test', GIT_COMMITTER_EMAIL: 'test@capstan.invalid',
  GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
};

export async function createRepository(server: GitServer, name: string): Promise<TestRepository> {
  const bare = join(server.root, `${name}.git`);
  // Under the server's root, so that close() removes it with the bare repositories.
  const work = await mkdtemp(join(server.root, '.work-'));
  const git = async (args: string[]) => (await run('git', args, { env: AUTHOR })).stdout.trim();
  await git(['init', '--quiet', '--bare', '--initial-branch=main', bare]);
  await git(['init', '--quiet', '--initial-branch=main', work]);
  const inWork = (args: string[]) => git(['-C', work, ...args]);
  return {
    path: `/${name}.git`,
    async commit(files, branch = 'main') {
      await inWork(['checkout', '--quiet', '-B', branch]);
      for (const [file, content] of Object.entries(files)) {
        const target = join(work, file);
        if (content === null) {
          await rm(target, { force: true });
        } else {
          await mkdir(dirname(target), { recursive: true });
          await writeFile(target, content);
        }
      }
      await inWork(['add', '--all']);
      await inWork(['commit', '--quiet', '--allow-empty', '-m', `change ${Object.keys(files).join(', ')}`]);
      await inWork(['push', '--quiet', '--force', bare, `${branch}:refs/heads/${branch}`]);
      return inWork(['rev-parse', 'HEAD']);
    },
    async tag(tagName, message) {
      await inWork(message === undefined ? ['tag', tagName] : ['tag', '-a', tagName, '-m', message]);
      await inWork(['push', '--quiet', bare, `refs/tags/${tagName}`]);
      return inWork(['rev-parse', 'HEAD']);
    },
  };
}
