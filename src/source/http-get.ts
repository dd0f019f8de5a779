// One streaming HTTP(S) GET as a Helm repository client needs it: bounded redirects that drop
// credentials on the way to another origin, a custom CA and client certificate, one deadline for
// the whole exchange (so a server that trickles bytes is cut off too), gzip, and a size limit
// enforced while the body streams in, so that memory stays bounded whatever the server sends.
import { createHash } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { FetchError, SizeLimitError, UrlInvalidError } from './errors.ts';

export interface Credentials {
  username: string;
  password: string;
}

/** A registry token, sent as `Authorization: Bearer`; guarded like a password. */
export interface BearerToken {
  token: string;
}

/** PEM material from a HelmRepository's certSecretRef. */
export interface TlsOptions {
  ca?: string;
  cert?: string;
  key?: string;
}

export interface HttpGetOptions {
  url: string;
  /** What is fetched, for messages: "repository index", "chart", … */
  what: string;
  headers?: Record<string, string>;
  credentials?: Credentials | BearerToken;
  /** The only origin that receives credentials, unless passCredentials; defaults to url's. */
  credentialsOrigin?: string;
  /** Send credentials to every origin (Flux's passCredentials). */
  passCredentials?: boolean;
  tls?: TlsOptions;
  /** Deadline for the whole exchange, redirects and body included. */
  timeoutMs: number;
  maxBytes: number;
  maxRedirects?: number;
  /** Statuses handed back to the caller (without body) instead of being thrown. 304 always is. */
  passStatus?: readonly number[];
  signal?: AbortSignal;
}

export interface HttpBody {
  status: number;
  headers: IncomingHttpHeaders;
  /** The URL that answered, after redirects. */
  url: string;
  /** The decoded (gunzipped) body. */
  body: Buffer;
  /** sha256 of the decoded body, as lowercase hex. */
  sha256: string;
}

export interface HttpNoBody {
  status: number;
  headers: IncomingHttpHeaders;
  url: string;
  body?: undefined;
}

export type HttpGetResult = HttpBody | HttpNoBody;

export const DEFAULT_MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function parseHttpUrl(raw: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlInvalidError(`${what} URL ${JSON.stringify(raw)} is not a valid URL: use http(s)://host/path`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UrlInvalidError(`${what} URL ${raw} has scheme ${url.protocol.slice(0, -1)}: only http and https are fetched here`);
  }
  return url;
}

export async function httpGet(options: HttpGetOptions): Promise<HttpGetResult> {
  let url = parseHttpUrl(options.url, options.what);
  const credentialsOrigin = options.credentialsOrigin ?? url.origin;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const deadline = new AbortController();
  const timer = setTimeout(() => { deadline.abort(); }, options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline.signal, options.signal]) : deadline.signal;
  try {
    for (let redirects = 0; ; redirects++) {
      const withCredentials = options.credentials !== undefined && (options.passCredentials === true || url.origin === credentialsOrigin);
      const res = await send(url, options, withCredentials, signal);
      const location = res.headers.location;
      if (REDIRECTS.has(res.statusCode ?? 0) && location !== undefined) {
        res.resume();
        if (redirects >= maxRedirects) {
          throw new FetchError(`GET ${options.url} was redirected more than ${maxRedirects} times (a redirect loop?): fix the server or point the URL at the final location`, { url: options.url, status: res.statusCode });
        }
        url = parseHttpUrl(new URL(location, url).href, `redirect target of ${options.what}`);
        continue;
      }
      return await answer(res, url, options);
    }
  } catch (err) {
    if (deadline.signal.aborted && !(options.signal?.aborted ?? false)) {
      throw new FetchError(`GET ${options.url} did not complete within ${options.timeoutMs / 1000}s: the server is unreachable, slow or trickling its answer; raise the timeout if it is just slow`, { url: options.url, timedOut: true, cause: err });
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

function send(url: URL, options: HttpGetOptions, withCredentials: boolean, signal: AbortSignal): Promise<IncomingMessage> {
  const headers: Record<string, string> = { 'accept-encoding': 'gzip', 'user-agent': 'capstan', ...options.headers };
  if (withCredentials && options.credentials) headers.authorization = authorization(options.credentials);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers, signal, ...options.tls });
    req.once('response', resolve);
    req.once('error', (err) => { reject(connectionError(err, url, options.what)); });
    req.end();
  });
}

function authorization(credentials: Credentials | BearerToken): string {
  if ('token' in credentials) return `Bearer ${credentials.token}`;
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

async function answer(res: IncomingMessage, url: URL, options: HttpGetOptions): Promise<HttpGetResult> {
  const status = res.statusCode ?? 0;
  if (status === 304 || options.passStatus?.includes(status) === true) {
    res.resume();
    return { status, headers: res.headers, url: url.href };
  }
  if (status < 200 || status > 299) {
    res.resume();
    throw statusError(status, res.statusMessage, url, options);
  }
  const announced = Number(res.headers['content-length']);
  const gzipped = /^(x-)?gzip$/i.test(res.headers['content-encoding'] ?? '');
  if (!gzipped && announced > options.maxBytes) {
    res.destroy();
    throw new SizeLimitError(capitalise(options.what), url.href, options.maxBytes);
  }
  const { body, sha256 } = await readBody(res, gzipped, url, options);
  return { status, headers: res.headers, url: url.href, body, sha256 };
}

async function readBody(res: IncomingMessage, gzipped: boolean, url: URL, options: HttpGetOptions): Promise<{ body: Buffer; sha256: string }> {
  // The limit counts decoded bytes, so that a small gzip bomb is cut off as early as a big body.
  const stream: Readable = gzipped ? pipeline(res, createGunzip(), () => undefined) : res;
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > options.maxBytes) {
        throw new SizeLimitError(capitalise(options.what), url.href, options.maxBytes);
      }
      hash.update(chunk);
      chunks.push(chunk);
    }
  } catch (err) {
    res.destroy();
    if (err instanceof SizeLimitError) throw err;
    throw new FetchError(`GET ${url.href} broke off after ${size} bytes of the ${options.what}${gzipped ? ' (or its gzip encoding is corrupt)' : ''}: ${describe(err)}`, { url: url.href, cause: err });
  }
  return { body: Buffer.concat(chunks, size), sha256: hash.digest('hex') };
}

function statusError(status: number, statusMessage: string | undefined, url: URL, options: HttpGetOptions): FetchError {
  const answered = `GET ${url.href} answered ${status}${statusMessage ? ` ${statusMessage}` : ''}`;
  const hint = status === 401
    ? (options.credentials ? 'the credentials in secretRef were refused' : 'the server wants credentials: set secretRef to a Secret with username and password')
    : status === 403 ? 'the credentials are not allowed to read this'
      : status === 404 ? `no ${options.what} there: check the URL`
        : status >= 500 ? 'the server failed; the fetch is retried with backoff'
          : 'unexpected answer';
  return new FetchError(`${answered}: ${hint}`, { url: url.href, status });
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|ERR_SSL/;

function connectionError(err: unknown, url: URL, what: string): Error {
  if (err instanceof Error && err.name === 'AbortError') return err;
  const code = (err as { code?: unknown }).code;
  const hint = typeof code === 'string' && TLS_CODES.test(code)
    ? 'the TLS handshake failed: set certSecretRef to a Secret whose ca.crt signs the server certificate (and tls.crt/tls.key if it wants a client certificate)'
    : 'check the URL and that the server is reachable';
  return new FetchError(`GET ${url.href} for the ${what} failed: ${describe(err)}: ${hint}`, { url: url.href, cause: err });
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
