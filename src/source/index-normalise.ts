// Turns the fields read from one index entry into a ChartVersion, or drops the entry with a reason.
// The checks are helm's own when it loads an index (repo.loadIndex → ChartVersion.Validate), so an
// entry capstan keeps is one helm keeps too. Where helm fails the whole index on a field of the
// wrong type, capstan drops only that entry and counts it, so that one bad upload does not take a
// repository with thousands of good versions down.
import type { ChartVersion, RepositoryIndex } from './index-model.ts';

/** The fields of one index entry as a front-end (JSON or YAML) read them. */
export interface RawChartVersion {
  apiVersion?: string;
  name?: string;
  version?: string;
  type?: string;
  created?: string;
  digest?: string;
  urls?: string[];
  /** Aliases of the entry's dependencies (undefined where a dependency has none). */
  dependencyAliases?: (string | undefined)[];
  /** Set by the front-end when a field had a type helm cannot read, or a list held a null. */
  malformed?: string;
}

export interface ParsedIndex {
  index: RepositoryIndex;
  /** How many entries were dropped as invalid (for a warning event). */
  dropped: number;
  /** The first few reasons, for the event's message. */
  droppedExamples: string[];
}

const MAX_EXAMPLES = 5;

// Masterminds/semver's loose form, as helm 3 (semver v3.3) accepts it when it loads an index.
// Helm 4 (semver v3.4) is stricter about leading zeros; which versions it then refuses is a
// question for resolution, which knows the helm in use, so the index keeps the looser set.
const LOOSE_SEMVER = /^v?[0-9]+(\.[0-9]+)?(\.[0-9]+)?(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;
const NUMERIC_WITH_LEADING_ZERO = /^0[0-9]+$/;
const ALIAS_FORMAT = /^[a-zA-Z0-9_-]+$/;

export function isLooseSemver(version: string): boolean {
  if (!LOOSE_SEMVER.test(version)) return false;
  const dash = version.indexOf('-');
  if (dash === -1) return true;
  const plus = version.indexOf('+', dash);
  const prerelease = version.slice(dash + 1, plus === -1 ? undefined : plus);
  return !prerelease.split('.').some((part) => NUMERIC_WITH_LEADING_ZERO.test(part));
}

/** Why helm would skip this entry, or undefined when it is valid. */
export function invalidReason(raw: RawChartVersion): string | undefined {
  if (raw.malformed !== undefined) return raw.malformed;
  const name = raw.name ?? '';
  if (name === '') return 'name is required';
  if (name === '.' || name === '..' || name.includes('/')) return `name ${JSON.stringify(name)} is invalid`;
  const version = raw.version ?? '';
  if (version === '') return 'version is required';
  if (!isLooseSemver(version)) return `version ${JSON.stringify(version)} is not semver`;
  const type = raw.type ?? '';
  if (type !== '' && type !== 'application' && type !== 'library') return `type ${JSON.stringify(type)} is not application or library`;
  const badAlias = raw.dependencyAliases?.find((alias) => alias !== undefined && alias !== '' && !ALIAS_FORMAT.test(alias));
  if (badAlias !== undefined) return `dependency alias ${JSON.stringify(badAlias)} has disallowed characters`;
  return undefined;
}

function toChartVersion(raw: RawChartVersion, version: string): ChartVersion {
  const out: ChartVersion = { version, urls: raw.urls ?? [] };
  if (raw.created !== undefined && raw.created !== '') out.created = raw.created;
  if (raw.digest !== undefined && raw.digest !== '') out.digest = raw.digest.toLowerCase().replace(/^sha256:/, '');
  return out;
}

/** Collects charts and versions as a front-end reads them, dropping and counting invalid ones. */
export class IndexBuilder {
  apiVersion: string | undefined;
  generated: string | undefined;
  private readonly charts = new Map<string, ChartVersion[]>();
  private dropped = 0;
  private readonly examples: string[] = [];

  /** A chart key whose value is a list (possibly empty) of entries. */
  chart(name: string): ChartVersion[] {
    let list = this.charts.get(name);
    if (!list) {
      list = [];
      this.charts.set(name, list);
    }
    return list;
  }

  version(chart: ChartVersion[], chartName: string, raw: RawChartVersion): void {
    const reason = invalidReason(raw);
    if (reason !== undefined) {
      this.drop(`chart ${JSON.stringify(chartName)}${raw.version ? ` version ${JSON.stringify(raw.version)}` : ''}: ${reason}`);
      return;
    }
    chart.push(toChartVersion(raw, raw.version ?? ''));
  }

  drop(why: string): void {
    this.dropped++;
    if (this.examples.length < MAX_EXAMPLES) this.examples.push(why);
  }

  finish(): ParsedIndex {
    const index: RepositoryIndex = { apiVersion: this.apiVersion ?? '', charts: this.charts };
    if (this.generated !== undefined) index.generated = this.generated;
    return { index, dropped: this.dropped, droppedExamples: this.examples };
  }
}
