// What a HelmRelease asks of the source module: resolve `chart.spec` to one chart version the
// way helm would, and hand back a verified local .tgz (so helm never sees repository
// credentials). Indexes come from the HelmRepository reconciler's cache: resolving never fetches
// an index, however many releases use the repository.
import { parseDuration } from '../api/duration.ts';
import type { HelmRepository } from '../api/objects.ts';
import type { KubeClient } from '../kube/client.ts';
import type { ChartCache } from './chart-cache.ts';
import { downloadChart } from './chart-download.ts';
import { repositoryAccess } from './helmrepository/credentials.ts';
import type { IndexCache } from './index-cache.ts';
import type { ChartVersion } from './index-model.ts';
import { listOciTags } from './oci-tags.ts';
import { pullOciChart } from './oci-pull.ts';
import { resolveChartVersion, type ResolveOptions } from './resolve.ts';

export interface ChartRequest {
  /** Namespace of the HelmRelease (default for sourceRef.namespace). */
  namespace: string;
  chart: string;
  version: string;
  sourceRef: { kind: string; name: string; namespace?: string };
}

export interface ResolvedChart {
  repository: HelmRepository;
  chart: string;
  entry: ChartVersion;
}

export interface FetchedChart {
  path: string;
  digest: string;
  version: string;
}

/** The source is not usable yet or at all: the release waits (reason SourceNotReady). */
export class SourceNotReadyError extends Error {
  override readonly name = 'SourceNotReadyError';
  readonly reason = 'SourceNotReady';
}

/** A reference the controller's policy forbids (cross-namespace with --no-cross-namespace-refs). */
export class SourceForbiddenError extends Error {
  override readonly name = 'SourceForbiddenError';
  readonly reason = 'AccessDenied';
}

export interface ChartSourceOptions {
  client: KubeClient;
  repositories: (key: string) => HelmRepository | undefined;
  indexCache: IndexCache;
  chartCache: ChartCache;
  helmBinary: string;
  resolveOptions: ResolveOptions;
  allowCrossNamespace: boolean;
  chartMaxBytes?: number;
}

export class ChartSource {
  private readonly options: ChartSourceOptions;

  constructor(options: ChartSourceOptions) {
    this.options = options;
  }

  async resolve(request: ChartRequest, signal?: AbortSignal): Promise<ResolvedChart> {
    const repository = this.repository(request);
    const ref = `HelmRepository ${repository.metadata.namespace ?? ''}/${repository.metadata.name}`;
    let versions: readonly ChartVersion[];
    if (repository.spec.type === 'oci') {
      const access = await repositoryAccess(this.options.client, repository);
      const tags = await listOciTags({ url: repository.spec.url, chart: request.chart, ...access, insecure: repository.spec.insecure, timeoutMs: timeoutOf(repository), signal });
      versions = tags.versions;
    } else {
      const cached = await this.options.indexCache.get(repository.spec.url);
      if (!cached) throw new SourceNotReadyError(`${ref} has no index yet: see its status (kubectl describe hrepo ${repository.metadata.name})`);
      versions = cached.index.charts.get(request.chart) ?? [];
    }
    const entry = resolveChartVersion({ chart: request.chart, repository: repository.spec.url, versions }, request.version, this.options.resolveOptions);
    return { repository, chart: request.chart, entry };
  }

  async fetch(resolved: ResolvedChart, signal?: AbortSignal): Promise<FetchedChart> {
    const { repository, entry } = resolved;
    const access = await repositoryAccess(this.options.client, repository);
    if (repository.spec.type === 'oci') {
      const pulled = await pullOciChart({
        helmBinary: this.options.helmBinary, url: repository.spec.url, chart: resolved.chart, version: entry.version,
        ...access, insecure: repository.spec.insecure, timeoutMs: timeoutOf(repository), cache: this.options.chartCache, signal,
      });
      return { path: pulled.path, digest: pulled.digest, version: entry.version };
    }
    const downloaded = await downloadChart({
      repositoryUrl: repository.spec.url, chartUrl: entry.urls[0] ?? '', digest: entry.digest, ...access,
      passCredentials: repository.spec.passCredentials, timeoutMs: timeoutOf(repository), maxBytes: this.options.chartMaxBytes,
      cache: this.options.chartCache, signal,
    });
    return { path: downloaded.path, digest: downloaded.digest, version: entry.version };
  }

  private repository(request: ChartRequest): HelmRepository {
    const namespace = request.sourceRef.namespace ?? request.namespace;
    const key = `${namespace}/${request.sourceRef.name}`;
    if (request.sourceRef.kind !== 'HelmRepository') throw new SourceNotReadyError(`${request.sourceRef.kind} ${key} as a chart source is not supported yet: use a HelmRepository`);
    if (!this.options.allowCrossNamespace && namespace !== request.namespace) {
      throw new SourceForbiddenError(`HelmRepository ${key} is in another namespace, which this controller forbids (--no-cross-namespace-refs)`);
    }
    const repository = this.options.repositories(key);
    if (!repository) throw new SourceNotReadyError(`HelmRepository ${key} does not exist: create it or fix chart.spec.sourceRef`);
    return repository;
  }
}

function timeoutOf(repository: HelmRepository): number {
  return parseDuration(repository.spec.timeout ?? '60s');
}
