// The normalised repository index: only what version resolution and chart download need, so
// that a 17 MB index.yaml shrinks to a few MB in memory and on disk.

/** One version of one chart, as the index announces it. */
export interface ChartVersion {
  /** The version exactly as written in the index (helm compares it as semver). */
  version: string;
  /** RFC 3339 time the package was created, when the index says (helm itself never orders by it). */
  created?: string;
  /** sha256 of the .tgz as lowercase hex, when the index says. */
  digest?: string;
  /** Where the package can be downloaded: absolute, or relative to the repository URL. */
  urls: string[];
}

export interface RepositoryIndex {
  apiVersion: string;
  generated?: string;
  /** Chart name → its versions, in the order of the index. */
  charts: Map<string, ChartVersion[]>;
}

export interface IndexStats {
  charts: number;
  versions: number;
}

export function indexStats(index: RepositoryIndex): IndexStats {
  let versions = 0;
  for (const list of index.charts.values()) versions += list.length;
  return { charts: index.charts.size, versions };
}

// Rough heap cost of V8 objects, enough to bound a cache in bytes without measuring the heap.
const OBJECT_BYTES = 64;
const ARRAY_BYTES = 32;
const STRING_BYTES = 16;

function stringBytes(s: string | undefined): number {
  return s === undefined ? 0 : STRING_BYTES + s.length * 2;
}

/** An estimate of the heap an index holds, for the in-memory cache's byte bound. */
export function estimateIndexBytes(index: RepositoryIndex): number {
  let bytes = OBJECT_BYTES + stringBytes(index.apiVersion) + stringBytes(index.generated);
  for (const [name, versions] of index.charts) {
    bytes += stringBytes(name) + ARRAY_BYTES + versions.length * 8;
    for (const v of versions) {
      bytes += OBJECT_BYTES + stringBytes(v.version) + stringBytes(v.created) + stringBytes(v.digest) + ARRAY_BYTES;
      for (const u of v.urls) bytes += 8 + stringBytes(u);
    }
  }
  return bytes;
}
