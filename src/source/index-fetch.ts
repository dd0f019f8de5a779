// Fetches a repository's index.yaml, conditionally: with the ETag and Last-Modified of the
// previous fetch, an unchanged index costs one 304 and is neither downloaded nor parsed.
import { httpGet, parseHttpUrl, type Credentials, type TlsOptions } from './http-get.ts';

export const DEFAULT_INDEX_MAX_BYTES = 50 * 1024 * 1024;

/** What the previous successful fetch saw, to ask the server whether anything changed. */
export interface IndexValidators {
  etag?: string;
  lastModified?: string;
}

export interface IndexFetchOptions {
  /** The repository URL (the folder holding index.yaml). */
  url: string;
  credentials?: Credentials;
  passCredentials?: boolean;
  tls?: TlsOptions;
  timeoutMs: number;
  maxBytes?: number;
  previous?: IndexValidators;
  signal?: AbortSignal;
}

export interface IndexUnchanged extends IndexValidators {
  unchanged: true;
}

export interface IndexDownloaded extends IndexValidators {
  unchanged: false;
  bytes: Buffer;
  /** sha256:<hex> of the downloaded (decoded) bytes. */
  revision: string;
  /** The URL that served the index, after redirects. */
  url: string;
}

export type IndexFetchResult = IndexUnchanged | IndexDownloaded;

/** <repo>/index.yaml, as helm builds it: the repository path with one slash, query kept. */
export function indexUrl(repositoryUrl: string): string {
  const url = parseHttpUrl(repositoryUrl, 'repository');
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/index.yaml`;
  return url.href;
}

export async function fetchIndex(options: IndexFetchOptions): Promise<IndexFetchResult> {
  const headers: Record<string, string> = {};
  const previous = options.previous;
  if (previous?.etag !== undefined) headers['if-none-match'] = previous.etag;
  if (previous?.lastModified !== undefined) headers['if-modified-since'] = previous.lastModified;
  const res = await httpGet({
    url: indexUrl(options.url),
    what: 'repository index',
    headers,
    credentials: options.credentials,
    credentialsOrigin: new URL(options.url).origin,
    passCredentials: options.passCredentials,
    tls: options.tls,
    timeoutMs: options.timeoutMs,
    maxBytes: options.maxBytes ?? DEFAULT_INDEX_MAX_BYTES,
    signal: options.signal,
  });
  const validators = validatorsOf(res.headers);
  if (res.body === undefined) {
    // A 304 keeps the validators we sent unless the server sent fresher ones.
    return { unchanged: true, etag: validators.etag ?? previous?.etag, lastModified: validators.lastModified ?? previous?.lastModified };
  }
  return { unchanged: false, bytes: res.body, revision: `sha256:${res.sha256}`, url: res.url, ...validators };
}

function validatorsOf(headers: Record<string, string | string[] | undefined>): IndexValidators {
  const etag = headers.etag;
  const lastModified = headers['last-modified'];
  return {
    ...(typeof etag === 'string' ? { etag } : {}),
    ...(typeof lastModified === 'string' ? { lastModified } : {}),
  };
}
