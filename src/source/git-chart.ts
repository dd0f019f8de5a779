// Charts kept in Git: a chart folder of a GitRepository artifact (or the whole artifact) becomes a
// package made with the controller's own helm (`helm dependency build` when Chart.yaml has
// dependencies, then `helm package`). The package is made once per artifact digest, chart folder
// and strategy, and found again through the chart cache's links: a resync of an unchanged artifact
// spawns nothing and unpacks nothing. Under reconcileStrategy ChartVersion, as with Flux's
// HelmChart, a version is packaged once: a later commit that keeps the version keeps that package,
// so an upgrade for another reason (values) does not bring in an unversioned change of the tree.
import { createHash } from 'node:crypto';
import { mkdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';
import * as yaml from 'js-yaml';
import type { GitRepository } from '../api/objects.ts';
import { HelmError } from '../helm/errors.ts';
import { dependencyBuild, packageChart } from '../helm/commands.ts';
import type { Helm } from '../helm/cli.ts';
import type { ChartCache, MadeChart } from './chart-cache.ts';
import { SourceNotReadyError } from './errors.ts';
import type { GitArtifactStore } from './gitrepository/artifact.ts';
import { parseVersion } from './version.ts';

export type ReconcileStrategy = 'ChartVersion' | 'Revision';

/** A chart of a GitRepository's current artifact, packaged and cached. */
export interface GitChart {
  kind: 'GitRepository';
  /** Chart.yaml's name. */
  name: string;
  /** Chart.yaml's version; with Revision, with `+<commit>` build metadata. */
  version: string;
  /**
   * What decides whether the release is in sync: the version. A package made by helm is not
   * reproducible (its files carry the packaging time), so its digest cannot be that.
   */
  digest: string;
  /** The artifact revision the chart comes from, `<branch>@sha1:<commit>`. */
  revision: string;
  /** What the package is made from: enough to make it again when the cache has dropped it. */
  made: MadeFrom;
}

interface MadeFrom {
  /** `GitRepository <namespace>/<name>`, for messages. */
  source: string;
  revision: string;
  /** Digest of the artifact. */
  artifact: string;
  /** The chart folder in the artifact, normalised ('' for the root). */
  folder: string;
  /** The path as the HelmRelease gives it, for messages. */
  path: string;
  strategy: ReconcileStrategy;
}

/** The chart folder is missing, outside the artifact, or not a chart: the user fixes the path or the repository. */
export class GitChartError extends Error {
  override readonly name = 'GitChartError';
  readonly reason: 'ChartNotFound' | 'ChartPackageFailed';

  constructor(reason: GitChartError['reason'], message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}

/**
 * The folder `path` names inside the artifact, relative to its root ('' for the root itself), as
 * Flux reads it: `./charts/app`, `charts/app` and `/charts/app` are the same folder. Undefined when
 * the path leaves the root.
 */
export function chartFolder(path: string): string | undefined {
  const normal = posix.normalize(`./${path.replace(/^\/+/, '')}`).replace(/\/+$/, '');
  if (normal === '..' || normal.startsWith('../')) return undefined;
  return normal === '.' ? '' : normal;
}

/** The version override of a package under `strategy`: with Revision, the commit's first 12 hex digits as build metadata (as Flux does). */
export function versionOverride(chartVersion: string, strategy: ReconcileStrategy, revision: string): string | undefined {
  if (strategy !== 'Revision') return undefined;
  const commit = /(?:^|@)sha1:([0-9a-f]{7,64})$/.exec(revision)?.[1] ?? createHash('sha256').update(revision).digest('hex');
  return `${chartVersion.replace(/\+.*$/, '')}+${commit.slice(0, 12)}`;
}

interface ChartYaml {
  name: string;
  version: string;
  /** The `repository` of each dependency ('' for one without). */
  dependencies: string[];
}

/**
 * helm's repositories.yaml for `helm dependency build`: one entry per HTTP(S) repository the
 * dependencies name by URL (helm has no entry of its own for them in capstan's empty helm home).
 */
export function repositoriesFile(repositories: readonly string[]): string {
  const urls = [...new Set(repositories.filter((r) => /^https?:\/\//i.test(r)))].sort();
  return JSON.stringify({ apiVersion: '', repositories: urls.map((url, i) => ({ name: `dependency-${String(i)}`, url })) });
}

export interface GitChartsOptions {
  store: GitArtifactStore;
  cache: ChartCache;
  helm: Helm;
}

export class GitCharts {
  private readonly options: GitChartsOptions;

  constructor(options: GitChartsOptions) {
    this.options = options;
  }

  /** The chart at `path` of the repository's artifact; packages it unless a package of it is cached. */
  async resolve(repository: GitRepository, path: string, strategy: ReconcileStrategy, signal?: AbortSignal): Promise<GitChart> {
    const source = `GitRepository ${repository.metadata.namespace ?? ''}/${repository.metadata.name}`;
    const artifact = repository.status?.artifact;
    if (artifact?.digest === undefined) {
      throw new SourceNotReadyError(`${source} has no artifact yet: see its status (kubectl describe gitrepo ${repository.metadata.name})`);
    }
    const folder = chartFolder(path);
    if (folder === undefined) throw new GitChartError('ChartNotFound', `the chart path "${path}" leaves the root of ${source}: give the chart folder relative to the repository root, e.g. ./charts/app`);
    const made: MadeFrom = { source, revision: artifact.revision, artifact: artifact.digest, folder, path, strategy };
    const chart = await this.packaged(made, signal);
    return { kind: 'GitRepository', name: chart.name, version: chart.version, digest: chart.version, revision: chart.revision ?? artifact.revision, made };
  }

  /** The package of a resolved chart: from the cache, or made again from the artifact when the cache dropped it. */
  async fetch(chart: GitChart, signal?: AbortSignal): Promise<{ path: string; digest: string; version: string }> {
    const packaged = await this.packaged(chart.made, signal);
    return { path: packaged.path, digest: `sha256:${packaged.sha256}`, version: packaged.version };
  }

  private async packaged(made: MadeFrom, signal?: AbortSignal): Promise<MadeChart & { path: string }> {
    const chart = await this.packagedFrom(made, signal);
    if (made.strategy === 'Revision') return chart;
    const { cache } = this.options;
    const version = JSON.stringify(['git-version', made.source, made.folder, chart.name, chart.version]);
    const first = await cache.linked(version);
    if (first) return first;
    await cache.link(version, chart);
    return chart;
  }

  /** The package of this very artifact. */
  private async packagedFrom(made: MadeFrom, signal?: AbortSignal): Promise<MadeChart & { path: string }> {
    // Under ChartVersion, the same tree gives the same package whatever commit it has.
    const key = JSON.stringify(['git', made.artifact, made.folder, made.strategy === 'Revision' ? made.revision : '']);
    const linked = await this.options.cache.linked(key);
    if (linked) return linked;
    const chart = await this.make(made, signal);
    await this.options.cache.link(key, chart);
    return { ...chart, path: this.options.cache.pathOf(chart.sha256) };
  }

  private async make(o: MadeFrom, signal: AbortSignal | undefined): Promise<MadeChart> {
    const { store, cache, helm } = this.options;
    if (!(await store.has(o.artifact))) {
      // Named by the status the cache holds but not on disk: fetched again after a restart, or just
      // replaced by a newer one whose status is on its way. Either way it is a matter of seconds.
      throw new SourceNotReadyError(`the artifact of ${o.source} (${o.revision}) is not in the controller's store: its GitRepository is storing it or a newer one; looking again in 5s`, { retryAfterMs: 5000, catchingUp: true });
    }
    const work = await store.workDir();
    try {
      const root = join(work, 'tree');
      await mkdir(root);
      await store.extract(o.artifact, root, signal);
      const dir = await chartDir(root, o.folder, o.path, `${o.source} (${o.revision})`);
      const chart = await readChartYaml(dir, o.path, o.source);
      const where = `the chart "${o.path}" of ${o.source} (${o.revision})`;
      try {
        if (chart.dependencies.length > 0) {
          const repositoryConfig = join(work, 'repositories.yaml');
          await writeFile(repositoryConfig, repositoriesFile(chart.dependencies));
          await dependencyBuild(helm, { chart: dir, repositoryConfig, repositoryCache: join(work, 'repository-cache'), ...(signal ? { signal: signal } : {}) });
        }
        const version = versionOverride(chart.version, o.strategy, o.revision);
        const destination = join(work, 'out');
        await mkdir(destination);
        const packaged = await packageChart(helm, { chart: dir, destination, ...(version !== undefined ? { version } : {}), ...(signal ? { signal: signal } : {}) });
        const bytes = await readFile(packaged);
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        await cache.put(sha256, bytes);
        return { sha256, name: chart.name, version: version ?? chart.version, revision: o.revision };
      } catch (err) {
        if (!(err instanceof HelmError) || signal?.aborted === true) throw err;
        const fix = err.action === 'dependency-build'
          ? 'check that Chart.lock matches Chart.yaml (helm dependency update), and that each dependency names its repository by URL (https://, oci://, file://) and that it is reachable without credentials'
          : 'fix the chart in the repository (helm package reproduces this)';
        throw new GitChartError('ChartPackageFailed', `packaging ${where} failed: ${err.message}; ${fix}`, { cause: err });
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
}

/** The chart folder on disk, checked to be a folder of the tree (symbolic links included) with a Chart.yaml. */
async function chartDir(root: string, folder: string, path: string, source: string): Promise<string> {
  const notFound = (why: string) => new GitChartError('ChartNotFound', `no chart at "${path}" in ${source}: ${why}; `
    + 'set chart.spec.chart to the folder that holds Chart.yaml, relative to the repository root (e.g. ./charts/app), or push the chart there');
  const real = await realpath(join(root, folder)).catch(() => undefined);
  if (real === undefined) throw notFound('the path does not exist');
  const inside = relative(await realpath(root), real);
  if (inside.startsWith(`..${sep}`) || inside === '..') throw notFound('the path is a link that leaves the repository');
  if (!(await stat(real)).isDirectory()) throw notFound('the path is a file, not a folder');
  if (!(await stat(join(real, 'Chart.yaml')).catch(() => undefined))?.isFile()) throw notFound('the folder has no Chart.yaml');
  return real;
}

async function readChartYaml(dir: string, path: string, source: string): Promise<ChartYaml> {
  const invalid = (why: string) => new GitChartError('ChartPackageFailed', `the Chart.yaml of "${path}" in ${source} ${why}: fix it in the repository`);
  let doc: unknown;
  try {
    doc = yaml.load(await readFile(join(dir, 'Chart.yaml'), 'utf8'));
  } catch (err) {
    throw invalid(`is not valid YAML (${err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err)})`);
  }
  const chart = (doc ?? {}) as { name?: unknown; version?: unknown; dependencies?: unknown };
  if (typeof chart.name !== 'string' || chart.name === '') throw invalid('has no name');
  const version = typeof chart.version === 'number' ? String(chart.version) : chart.version;
  if (typeof version !== 'string' || parseVersion(version) === undefined) throw invalid(`has no valid semantic version (version: ${chart.version === undefined ? 'missing' : JSON.stringify(chart.version)})`);
  const dependencies = Array.isArray(chart.dependencies) ? (chart.dependencies as unknown[]) : [];
  const repositoryOf = (d: unknown) => {
    const repository = (d as { repository?: unknown } | null)?.repository;
    return typeof repository === 'string' ? repository : '';
  };
  return { name: chart.name, version, dependencies: dependencies.map(repositoryOf) };
}
