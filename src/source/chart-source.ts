// What a HelmRelease asks of the source module: resolve its chart to one chart version the way
// helm would, and hand back a verified local .tgz (so helm never sees repository credentials).
// Indexes come from the HelmRepository reconciler's cache: resolving never fetches an index,
// however many releases use the repository. Charts from Git are packaged from the GitRepository's
// artifact (git-chart.ts).
import { isTrue } from '../api/conditions.ts';
import { parseDuration } from '../api/duration.ts';
import type { GitRepository, HelmRepository } from '../api/objects.ts';
import type { KubeClient } from '../kube/client.ts';
import type { ChartCache } from './chart-cache.ts';
import { downloadChart } from './chart-download.ts';
import { SourceForbiddenError, SourceNotReadyError } from './errors.ts';
import type { GitChart, GitCharts, ReconcileStrategy } from './git-chart.ts';
import { repositoryAccess } from './helmrepository/credentials.ts';
import type { IndexCache } from './index-cache.ts';
import type { ChartVersion } from './index-model.ts';
import { listOciTags } from './oci-tags.ts';
import { pullOciChart } from './oci-pull.ts';
import { resolveChartVersion, type ResolveOptions } from './resolve.ts';

export interface ChartRequest {
  /** Namespace of the HelmRelease (default for sourceRef.namespace). */
  namespace: string;
  /** Chart name in a HelmRepository; path of the chart folder in a GitRepository's artifact. */
  chart: string;
  /** Version constraint (HelmRepository only: a chart from Git has the version its Chart.yaml says). */
  version: string;
  sourceRef: { kind: string; name: string; namespace?: string | undefined };
  /** Charts from Git: when a new revision without a new chart version upgrades. Default ChartVersion. */
  reconcileStrategy?: ReconcileStrategy | undefined;
  /** Where the reference is written, for messages: chart.spec.sourceRef or chartRef. */
  field: string;
}

export interface RepositoryChart {
  kind: 'HelmRepository';
  repository: HelmRepository;
  chart: string;
  entry: ChartVersion;
  name: string;
  version: string;
  /** The package digest from the index (its version when the index has none): what an in-sync release was made from. */
  digest: string;
}

export type ResolvedChart = RepositoryChart | GitChart;

export interface FetchedChart {
  path: string;
  digest: string;
  version: string;
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
  /** GitRepositories (from the informer cache) and their charts; without them, a chart from Git is refused. */
  git?: { repositories: (key: string) => GitRepository | undefined; charts: GitCharts };
}

export class ChartSource {
  private readonly options: ChartSourceOptions;

  constructor(options: ChartSourceOptions) {
    this.options = options;
  }

  async resolve(request: ChartRequest, signal?: AbortSignal): Promise<ResolvedChart> {
    if (request.sourceRef.kind === 'GitRepository') {
      const { git } = this.options;
      if (!git) throw new SourceNotReadyError(`${request.field} names GitRepository ${request.sourceRef.name}: charts from Git are only packaged by the controller`);
      const repository = this.source(request, git.repositories);
      return git.charts.resolve(repository, request.chart, request.reconcileStrategy ?? 'ChartVersion', signal);
    }
    if (request.sourceRef.kind !== 'HelmRepository') throw new SourceNotReadyError(`${request.field}: ${request.sourceRef.kind} is not a chart source: use a HelmRepository or a GitRepository`);
    const repository = this.source(request, this.options.repositories);
    const ref = `HelmRepository ${repository.metadata.namespace ?? ''}/${repository.metadata.name}`;
    let versions: readonly ChartVersion[];
    if (repository.spec.type === 'oci') {
      const access = await repositoryAccess(this.options.client, repository);
      const tags = await listOciTags({ url: repository.spec.url, chart: request.chart, ...access, insecure: repository.spec.insecure, timeoutMs: timeoutOf(repository), signal });
      versions = tags.versions;
    } else {
      const cached = await this.options.indexCache.get(repository.spec.url);
      // The repository's own reconcile announces its index; the look in 5 s does not depend on it.
      if (!cached) {
        throw new SourceNotReadyError(`${ref} has no index yet: see its status (kubectl describe hrepo ${repository.metadata.name}); looking again in 5s`, {
          retryAfterMs: 5000, catchingUp: repository.status?.artifact !== undefined && isTrue(repository.status.conditions, 'Ready'),
        });
      }
      versions = cached.index.charts.get(request.chart) ?? [];
    }
    const entry = resolveChartVersion({ chart: request.chart, repository: repository.spec.url, versions }, request.version, this.options.resolveOptions);
    const digest = entry.digest ? `sha256:${entry.digest.replace(/^sha256:/, '')}` : entry.version;
    return { kind: 'HelmRepository', repository, chart: request.chart, entry, name: request.chart, version: entry.version, digest };
  }

  async fetch(resolved: ResolvedChart, signal?: AbortSignal): Promise<FetchedChart> {
    if (resolved.kind === 'GitRepository') {
      if (!this.options.git) throw new SourceNotReadyError(`the chart ${resolved.name} comes from Git: charts from Git are only packaged by the controller`);
      return this.options.git.charts.fetch(resolved, signal);
    }
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

  /** The source a request names, from the informer cache, if the controller's policy allows it. */
  private source<T>(request: ChartRequest, lookup: (key: string) => T | undefined): T {
    const { kind } = request.sourceRef;
    const namespace = request.sourceRef.namespace ?? request.namespace;
    const key = `${namespace}/${request.sourceRef.name}`;
    if (!this.options.allowCrossNamespace && namespace !== request.namespace) {
      throw new SourceForbiddenError(`${kind} ${key} is in another namespace, which this controller forbids (--no-cross-namespace-refs): move it into ${request.namespace}, or fix ${request.field}`);
    }
    const source = lookup(key);
    if (!source) throw new SourceNotReadyError(`${kind} ${key} does not exist: create it or fix ${request.field}`);
    return source;
  }
}

function timeoutOf(repository: HelmRepository): number {
  return parseDuration(repository.spec.timeout ?? '60s');
}
