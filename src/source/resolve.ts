// Which chart version `helm pull --version C` picks from a repository index (Helm's IndexFile.Get after
// LoadIndexFile), so that capstan fetches exactly the chart helm would:
//   1. entries whose version Helm cannot parse are dropped when the index is loaded;
//   2. the rest are ordered by Go's (unstable) sort.Sort, newest first. Ties (same version up to build
//      metadata or a `v` prefix) keep the order that sort leaves them in, which depends on the Go that
//      built helm; `created` is NOT consulted;
//   3. the constraint is parsed first: an invalid one is an error, whatever the index holds;
//   4. an entry whose version string equals the constraint wins;
//   5. otherwise the first entry, in that order, that satisfies the constraint; an empty constraint
//      means `*`, which never matches a prerelease: the latest stable version.
import { parseConstraint, prereleaseScopeForHelm, type PrereleaseScope } from './constraint.ts';
import { goSortArray, goSortVersionFor, type GoSortVersion } from './go-sort.ts';
import type { ChartVersion } from './index-model.ts';
import { compareVersions, parseVersion, type Version } from './version.ts';

export interface ChartVersions<T extends ChartVersion = ChartVersion> {
  /** Chart name, for messages. */
  chart: string;
  /** Repository URL, for messages. */
  repository: string;
  /** In index order: Helm's order of equal versions depends on it. */
  versions: readonly T[];
}

export class ChartVersionNotFoundError extends Error {
  override readonly name = 'ChartVersionNotFoundError';
  readonly reason = 'ChartVersionNotFound';
  readonly chart: string;
  readonly constraint: string;
  readonly repository: string;
  readonly latestStable: string | undefined;

  constructor(chart: string, constraint: string, repository: string, latestStable: string | undefined) {
    super(`no chart "${chart}" with version matching "${constraint}" in ${repository} (latest stable: ${latestStable ?? 'none'})`);
    this.chart = chart;
    this.constraint = constraint;
    this.repository = repository;
    this.latestStable = latestStable;
  }
}

/** The rules of one helm binary. The defaults are those of helm 4 and of helm 3 built with Go >= 1.24. */
export interface ResolveOptions {
  /** Which Masterminds/semver prerelease rule the helm uses (default `and-group`). */
  prereleases?: PrereleaseScope;
  /** Which Go sort.Sort the helm was built with (default `go1.24`). */
  goSort?: GoSortVersion;
}

/** The rules of a helm binary, from `helm version --template '{{.Version}} {{.GoVersion}}'`. */
export function resolveOptionsForHelm(helm: { version: string; goVersion: string }): Required<ResolveOptions> {
  return { prereleases: prereleaseScopeForHelm(helm.version), goSort: goSortVersionFor(helm.goVersion) };
}

interface Parsed<T> {
  entry: T;
  version: Version;
}

/** The entries Helm keeps, in the order Helm's index holds them (newest first). */
export function helmOrder<T extends ChartVersion>(versions: readonly T[], goSort?: GoSortVersion): T[] {
  return sortedLikeHelm(versions, goSort).map((p) => p.entry);
}

function sortedLikeHelm<T extends ChartVersion>(versions: readonly T[], goSort: GoSortVersion = 'go1.24'): Parsed<T>[] {
  const parsed: Parsed<T>[] = [];
  for (const entry of versions) {
    const version = parseVersion(entry.version);
    if (version) parsed.push({ entry, version });
  }
  // sort.Sort(sort.Reverse(ChartVersions)): less(i, j) is "version j < version i".
  goSortArray(parsed, (a, b) => compareVersions(b.version, a.version) < 0, goSort);
  return parsed;
}

/**
 * The entry `helm pull --version <constraint>` downloads. Throws InvalidConstraintError for a constraint
 * Helm refuses and ChartVersionNotFoundError when nothing matches. An empty constraint means latest stable.
 */
export function resolveChartVersion<T extends ChartVersion>(
  chart: ChartVersions<T>,
  constraint = '',
  options: ResolveOptions = {},
): T {
  const matcher = parseConstraint(constraint === '' ? '*' : constraint, options.prereleases ? { prereleases: options.prereleases } : {});
  const ordered = sortedLikeHelm(chart.versions, options.goSort);
  const exact = constraint === '' ? undefined : ordered.find((p) => p.entry.version === constraint);
  const picked = exact ?? ordered.find((p) => matcher.matches(p.version));
  if (picked) return picked.entry;
  const latestStable = ordered.find((p) => p.version.prerelease === '')?.entry.version;
  throw new ChartVersionNotFoundError(chart.chart, constraint, chart.repository, latestStable);
}
