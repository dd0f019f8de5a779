// Lists a chart's versions in an OCI registry through the distribution API's tags list, the way
// helm does for `oci://` references: anonymous first, then the scheme the registry's challenge asks
// for (Basic, or a Bearer token from its token service), following pagination. Only tags that are
// strict semver once `_` is turned back into `+` count as versions (OCI tags cannot hold `+`).
import { FetchError, UrlInvalidError } from './errors.ts';
import { httpGet, type BearerToken, type Credentials, type HttpGetResult, type TlsOptions } from './http-get.ts';
import type { ChartVersion } from './index-model.ts';

export interface OciReference {
  /** host[:port] of the registry. */
  host: string;
  /** The repository path under the host, without leading or trailing slash (may be empty). */
  path: string;
}

export interface OciTagsOptions {
  /** The HelmRepository URL: oci://host[:port]/path. */
  url: string;
  chart: string;
  credentials?: Credentials;
  /** Plain HTTP instead of HTTPS (the HelmRepository's `insecure`). */
  insecure?: boolean;
  tls?: TlsOptions;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface OciTags {
  /** Chart versions, newest first by tag order of the registry, each pointing at oci://…/chart:tag. */
  versions: ChartVersion[];
  /** Tags that are not versions (latest, sha-…, …), left out. */
  ignored: string[];
}

const MAX_PAGES = 100;
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const STRICT_SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-(0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(\.(0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*)?(\+[0-9a-zA-Z-]+(\.[0-9a-zA-Z-]+)*)?$/;

export function parseOciUrl(url: string): OciReference {
  const match = /^oci:\/\/([^/?#]+)((?:\/[^/?#]+)*)\/?$/.exec(url);
  if (!match?.[1]) throw new UrlInvalidError(`OCI repository URL ${JSON.stringify(url)} is not of the form oci://host[:port]/path`);
  return { host: match[1], path: (match[2] ?? '').replace(/^\//, '') };
}

/** The version a tag stands for (helm pushes 1.0.0+build as 1.0.0_build), or undefined. */
export function tagToVersion(tag: string): string | undefined {
  const version = tag.replaceAll('_', '+');
  return STRICT_SEMVER.test(version) ? version : undefined;
}

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `WWW-Authenticate: Bearer realm="…",service="…",scope="…"` (or Basic realm="…"). */
export function parseChallenge(header: string): Challenge | undefined {
  const match = /^\s*([A-Za-z]+)\s*(.*)$/.exec(header);
  if (!match?.[1]) return undefined;
  const params: Record<string, string> = {};
  for (const m of (match[2] ?? '').matchAll(/([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    if (m[1]) params[m[1].toLowerCase()] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return { scheme: match[1].toLowerCase(), params };
}

/** The next page from a `Link: </v2/…/tags/list?n=…&last=…>; rel="next"` header. */
export function nextPage(link: string | undefined, current: string): string | undefined {
  const match = link === undefined ? null : /<([^>]+)>\s*;\s*rel="?next"?/.exec(link);
  return match?.[1] ? new URL(match[1], current).href : undefined;
}

export async function listOciTags(options: OciTagsOptions): Promise<OciTags> {
  const ref = parseOciUrl(options.url);
  const repository = [ref.path, options.chart].filter((p) => p !== '').join('/');
  const origin = `${options.insecure === true ? 'http' : 'https'}://${ref.host}`;
  let page: string | undefined = `${origin}/v2/${repository}/tags/list`;
  let auth: Credentials | BearerToken | undefined;
  const tags: string[] = [];
  for (let n = 0; page !== undefined && n < MAX_PAGES; n++) {
    let res = await get(page, options, auth, origin);
    if (res.status === 401) {
      auth = await authenticate(res, repository, options, origin);
      res = await get(page, options, auth, origin);
      if (res.status === 401) {
        throw new FetchError(`registry ${ref.host} refused the credentials for ${repository} (401): check secretRef`, { url: page, status: 401 });
      }
    }
    tags.push(...readTags(res, page));
    page = nextPage(headerValue(res.headers.link), page);
  }
  const versions: ChartVersion[] = [];
  const ignored: string[] = [];
  for (const tag of tags) {
    const version = tagToVersion(tag);
    if (version === undefined) ignored.push(tag);
    else versions.push({ version, urls: [`oci://${ref.host}/${repository}:${tag}`] });
  }
  return { versions, ignored };
}

function get(url: string, options: OciTagsOptions, credentials: Credentials | BearerToken | undefined, origin: string): Promise<HttpGetResult> {
  return httpGet({
    url,
    what: 'tag list',
    headers: { accept: 'application/json' },
    credentials,
    credentialsOrigin: origin,
    tls: options.tls,
    timeoutMs: options.timeoutMs,
    maxBytes: MAX_BODY_BYTES,
    passStatus: [401],
    signal: options.signal,
  });
}

async function authenticate(res: HttpGetResult, repository: string, options: OciTagsOptions, origin: string): Promise<Credentials | BearerToken> {
  const challenge = parseChallenge(headerValue(res.headers['www-authenticate']) ?? '');
  if (challenge?.scheme === 'bearer' && challenge.params.realm !== undefined) {
    return { token: await fetchToken(challenge.params, repository, options) };
  }
  if (challenge?.scheme === 'basic' && options.credentials) return options.credentials;
  throw new FetchError(`registry ${new URL(origin).host} wants credentials to list ${repository} (401): set secretRef to a Secret with username and password`, { url: res.url, status: 401 });
}

async function fetchToken(params: Record<string, string>, repository: string, options: OciTagsOptions): Promise<string> {
  const realm = new URL(params.realm ?? '');
  if (params.service !== undefined) realm.searchParams.set('service', params.service);
  realm.searchParams.set('scope', params.scope ?? `repository:${repository}:pull`);
  // The token service gets the user's credentials (that is its job); no one else does.
  const res = await httpGet({
    url: realm.href,
    what: 'registry token',
    credentials: options.credentials,
    tls: options.tls,
    timeoutMs: options.timeoutMs,
    maxBytes: MAX_BODY_BYTES,
    signal: options.signal,
  });
  const body = parseJsonBody(res, realm.href) as { token?: unknown; access_token?: unknown };
  const token = typeof body.token === 'string' ? body.token : body.access_token;
  if (typeof token !== 'string' || token === '') {
    throw new FetchError(`token service ${realm.origin} answered without a token`, { url: realm.href, status: res.status });
  }
  return token;
}

function readTags(res: HttpGetResult, url: string): string[] {
  const body = parseJsonBody(res, url) as { tags?: unknown };
  if (body.tags === null || body.tags === undefined) return [];
  if (!Array.isArray(body.tags)) throw new FetchError(`registry answered ${url} with a tags list that is not a list`, { url, status: res.status });
  return (body.tags as unknown[]).filter((t): t is string => typeof t === 'string');
}

function parseJsonBody(res: HttpGetResult, url: string): object {
  try {
    const value = JSON.parse((res.body ?? Buffer.alloc(0)).toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null) return value;
  } catch {
    // reported below
  }
  throw new FetchError(`GET ${url} did not answer with a JSON object: is this a registry?`, { url, status: res.status });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
