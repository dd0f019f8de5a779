// A loopback HTTP(S) server whose every route is scripted by the test: misbehaving answers (a 200
// HTML page, a body bigger than any limit, a trickle, a hang, a truncated body, redirect loops)
// that a real repository server would never send on purpose. It records each request's headers
// and, for each answer, how many bytes went out and whether the client hung up before the end.
import { createServer as createHttp, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { TlsMaterial } from './pki.ts';

export interface ScriptedExchange {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Body bytes written so far. */
  bytesSent: number;
  /** The whole answer was handed to the connection. */
  completed: boolean;
  /** The connection closed; with completed false, the client hung up mid-answer. */
  closed: boolean;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, exchange: ScriptedExchange) => void;

export interface ScriptedServer {
  url: string;
  exchanges: ScriptedExchange[];
  /** Sets (or replaces) the handler of a path (without query). */
  route(path: string, handler: Handler): void;
  close(): Promise<void>;
}

export interface ScriptedServerOptions {
  tls?: TlsMaterial;
  /** The host name in url: 127.0.0.1 (default) or localhost, to have two origins on one machine. */
  hostname?: '127.0.0.1' | 'localhost';
}

export async function startScriptedServer(options: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  const routes = new Map<string, Handler>();
  const exchanges: ScriptedExchange[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const exchange: ScriptedExchange = { method: req.method ?? 'GET', path, headers: req.headers, bytesSent: 0, completed: false, closed: false };
    exchanges.push(exchange);
    res.once('finish', () => { exchange.completed = true; });
    res.once('close', () => { exchange.closed = true; });
    const route = routes.get(path);
    if (route) route(req, res, exchange);
    else res.writeHead(404).end('no such route');
  };
  const server = options.tls ? createHttps({ cert: options.tls.cert, key: options.tls.key }, handler) : createHttp(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://${options.hostname ?? '127.0.0.1'}:${port}`,
    exchanges,
    route: (path, h) => { routes.set(path, h); },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => { resolve(); });
    }),
  };
}

function write(res: ServerResponse, exchange: ScriptedExchange, chunk: Buffer): boolean {
  exchange.bytesSent += chunk.length;
  return res.write(chunk);
}

/** A complete answer; gzip: true encodes it with Content-Encoding: gzip. */
export function body(content: string | Buffer, options: { status?: number; headers?: Record<string, string>; gzip?: boolean } = {}): Handler {
  return (_req, res, exchange) => {
    const raw = Buffer.from(content);
    const payload = options.gzip === true ? gzipSync(raw) : raw;
    res.writeHead(options.status ?? 200, {
      'content-length': payload.length,
      ...(options.gzip === true ? { 'content-encoding': 'gzip' } : {}),
      ...options.headers,
    });
    write(res, exchange, payload);
    res.end();
  };
}

export function status(code: number, headers: Record<string, string> = {}): Handler {
  return body(`status ${code}`, { status: code, headers });
}

export function redirect(location: string, code = 302): Handler {
  return (_req, res) => { res.writeHead(code, { location }).end(); };
}

/** `total` bytes of filler in chunks, as fast as the client reads, announced or not. */
export function stream(total: number, options: { announce?: boolean; chunk?: number } = {}): Handler {
  return (_req, res, exchange) => {
    res.writeHead(200, options.announce === true ? { 'content-length': total } : {});
    const chunk = Buffer.alloc(options.chunk ?? 64 * 1024, 'a');
    const pump = () => {
      while (!exchange.closed && exchange.bytesSent < total) {
        const n = Math.min(chunk.length, total - exchange.bytesSent);
        if (!write(res, exchange, chunk.subarray(0, n))) {
          res.once('drain', pump);
          return;
        }
      }
      if (!exchange.closed) res.end();
    };
    pump();
  };
}

/** One byte every intervalMs, forever (until the client hangs up). */
export function trickle(intervalMs: number): Handler {
  return (_req, res, exchange) => {
    res.writeHead(200, { 'content-type': 'application/yaml' });
    const timer = setInterval(() => { write(res, exchange, Buffer.from('#')); }, intervalMs);
    res.once('close', () => { clearInterval(timer); });
  };
}

/** Accepts the request and never answers. */
export function hang(): Handler {
  return () => undefined;
}

/** Announces the whole content's length, sends only the first `sent` bytes, then drops the connection. */
export function truncated(content: string | Buffer, sent: number): Handler {
  return (_req, res, exchange) => {
    const payload = Buffer.from(content);
    res.writeHead(200, { 'content-length': payload.length });
    write(res, exchange, payload.subarray(0, sent));
    setTimeout(() => res.destroy(), 20);
  };
}
