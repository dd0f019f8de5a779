// Downloads the chart package a resolved version points at, verifies it (digest from the index,
// archive paths) and keeps it in the content-addressed cache. The HelmRelease then hands helm a
// local .tgz, so helm never sees the repository's credentials.
import { checkChartArchive } from './chart-archive.ts';
import type { ChartCache } from './chart-cache.ts';
import { ChartDigestMismatchError, UrlInvalidError } from './errors.ts';
import { httpGet, parseHttpUrl, type Credentials, type TlsOptions } from './http-get.ts';

export const DEFAULT_CHART_MAX_BYTES = 10 * 1024 * 1024;

export interface ChartDownloadOptions {
  /** The repository URL the index came from: relative chart URLs resolve against it. */
  repositoryUrl: string;
  /** The first of the version's urls in the index. */
  chartUrl: string;
  /** sha256 (hex) the index announces for the package, if any. */
  digest?: string;
  credentials?: Credentials;
  /** Send credentials to chart hosts other than the repository's own. */
  passCredentials?: boolean;
  tls?: TlsOptions;
  timeoutMs: number;
  maxBytes?: number;
  cache: ChartCache;
  signal?: AbortSignal;
}

export interface DownloadedChart {
  /** The package in the cache. */
  path: string;
  /** sha256:<hex> of the package. */
  digest: string;
  size: number;
  /** True when the package came from the cache without a download. */
  cached: boolean;
}

/**
 * A chart URL as helm resolves it (repo.ResolveReferenceURL): absolute URLs as they are, relative
 * ones against the repository URL taken as a folder, keeping the repository URL's query.
 */
export function resolveChartUrl(repositoryUrl: string, chartUrl: string): string {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(chartUrl)) return chartUrl;
  const base = parseHttpUrl(repositoryUrl, 'repository');
  base.pathname = `${base.pathname.replace(/\/+$/, '')}/`;
  const resolved = new URL(chartUrl, base);
  resolved.search = base.search;
  return resolved.href;
}

export async function downloadChart(options: ChartDownloadOptions): Promise<DownloadedChart> {
  if (options.chartUrl === '') throw new UrlInvalidError('the chart version has no download URL in the repository index');
  const expected = options.digest?.toLowerCase().replace(/^sha256:/, '');
  if (expected !== undefined && expected !== '') {
    const hit = await options.cache.get(expected);
    if (hit !== undefined) return { ...hit, digest: `sha256:${expected}`, cached: true };
  }
  const url = resolveChartUrl(options.repositoryUrl, options.chartUrl);
  const res = await httpGet({
    url,
    what: 'chart',
    credentials: options.credentials,
    credentialsOrigin: new URL(options.repositoryUrl).origin,
    passCredentials: options.passCredentials,
    tls: options.tls,
    timeoutMs: options.timeoutMs,
    maxBytes: options.maxBytes ?? DEFAULT_CHART_MAX_BYTES,
    signal: options.signal,
  });
  if (res.body === undefined) throw new Error(`GET ${url} answered ${res.status} without a body`);
  if (expected !== undefined && expected !== '' && expected !== res.sha256) {
    throw new ChartDigestMismatchError(url, `sha256:${expected}`, `sha256:${res.sha256}`);
  }
  await checkChartArchive(res.body, url);
  const path = await options.cache.put(res.sha256, res.body);
  return { path, digest: `sha256:${res.sha256}`, size: res.body.length, cached: false };
}
