// A Helm repository served from a folder over HTTP or HTTPS on loopback, with optional basic auth,
// ETag/Last-Modified and 304 answers, and a log of every request for tests to inspect.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer as createHttp, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { FIXTURES_REPO } from './paths.ts';
import { after, before } from 'node:test';
import { makeServerTls, type TlsMaterial } from './pki.ts';

export interface RequestRecord {
  method: string;
  path: string;
  status: number;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  authenticated: boolean;
}

export interface ChartServerOptions {
  root?: string;
  tls?: TlsMaterial;
  auth?: { username: string; password: string };
  /** With tls: demand a client certificate signed by this CA (PEM). */
  clientCa?: string;
}

export interface ChartServer {
  url: string;
  requests: RequestRecord[];
  close(): Promise<void>;
}

function authorized(req: IncomingMessage, auth: ChartServerOptions['auth']): boolean {
  if (!auth) return true;
  const expected = Buffer.from(`Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`);
  const given = Buffer.from(req.headers.authorization ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function serveFile(root: string, req: IncomingMessage, res: ServerResponse): Promise<number> {
  const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  const file = join(root, path);
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) {
    res.writeHead(404).end('not found');
    return 404;
  }
  const body = await readFile(file);
  const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
  const lastModified = info.mtime.toUTCString();
  const fresh = req.headers['if-none-match'] === etag ||
    (!req.headers['if-none-match'] && req.headers['if-modified-since'] === lastModified);
  if (fresh) {
    res.writeHead(304, { ETag: etag, 'Last-Modified': lastModified }).end();
    return 304;
  }
  res.writeHead(200, { ETag: etag, 'Last-Modified': lastModified, 'Content-Length': body.length }).end(req.method === 'HEAD' ? undefined : body);
  return 200;
}

export async function startChartServer(options: ChartServerOptions = {}): Promise<ChartServer> {
  const root = options.root ?? FIXTURES_REPO;
  const requests: RequestRecord[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const ok = authorized(req, options.auth);
    const record = (status: number) => requests.push({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      status,
      ifNoneMatch: req.headers['if-none-match'],
      ifModifiedSince: req.headers['if-modified-since'],
      authenticated: ok && options.auth !== undefined,
    });
    if (!ok) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="capstan-test"' }).end('unauthorized');
      record(401);
      return;
    }
    serveFile(root, req, res).then(record, () => {
      res.writeHead(500).end();
      record(500);
    });
  };
  const clientAuth = options.clientCa === undefined ? {} : { ca: options.clientCa, requestCert: true, rejectUnauthorized: true };
  const server = options.tls ? createHttps({ cert: options.tls.cert, key: options.tls.key, ...clientAuth }, handler) : createHttp(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => { resolve(); });
    }),
  };
}

export interface HttpsChartServer {
  /** Set once the suite's before hooks have run. */
  readonly tls: TlsMaterial;
  readonly server: ChartServer;
}

/** Call in a describe body: the fixture repository over HTTPS (a CA made for the suite) with basic auth. */
export function useHttpsChartServer(auth: { username: string; password: string }): HttpsChartServer {
  const holder = {} as { tls: TlsMaterial; server: ChartServer };
  before(async () => {
    holder.tls = await makeServerTls();
    holder.server = await startChartServer({ tls: holder.tls, auth });
  });
  after(async () => { await holder.server.close(); });
  return holder;
}
