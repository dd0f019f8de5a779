// Reads an index served as JSON (helm accepts both: JSON when the whole body is valid JSON).
import { IndexationError } from './errors.ts';
import { IndexBuilder, type ParsedIndex, type RawChartVersion } from './index-normalise.ts';

/** The parsed body of a JSON index, or undefined when the body is not valid JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readJsonIndex(doc: unknown): ParsedIndex {
  if (!isObject(doc)) throw new IndexationError('the repository index is JSON but not an object with apiVersion and entries');
  const builder = new IndexBuilder();
  if (typeof doc.apiVersion === 'string') builder.apiVersion = doc.apiVersion;
  if (typeof doc.generated === 'string') builder.generated = doc.generated;
  const entries = doc.entries;
  if (entries === undefined || entries === null) return builder.finish();
  if (!isObject(entries)) throw new IndexationError('the repository index\'s entries is not a mapping of chart names to versions');
  for (const [name, list] of Object.entries(entries)) {
    if (list === null) {
      builder.chart(name);
      continue;
    }
    if (!Array.isArray(list)) {
      builder.drop(`chart ${JSON.stringify(name)}: its entry is not a list of versions`);
      continue;
    }
    const versions = builder.chart(name);
    for (const item of list as unknown[]) {
      if (!isObject(item)) builder.drop(`chart ${JSON.stringify(name)}: ${item === null ? 'empty entry' : 'an entry is not an object'}`);
      else builder.version(versions, name, readVersion(item));
    }
  }
  return builder.finish();
}

const SCALAR_FIELDS = ['apiVersion', 'name', 'version', 'type', 'created', 'digest'] as const;

function readVersion(item: Record<string, unknown>): RawChartVersion {
  const raw: RawChartVersion = {};
  for (const field of SCALAR_FIELDS) {
    const value = item[field];
    if (typeof value === 'string') raw[field] = value;
    else if (value !== undefined && value !== null) raw.malformed = `${field} is not a string`;
  }
  const urls = item.urls;
  if (Array.isArray(urls)) {
    raw.urls = urls.filter((u): u is string => typeof u === 'string');
    if (raw.urls.length !== urls.length) raw.malformed = 'urls is not a list of strings';
  } else if (urls !== undefined && urls !== null) {
    raw.malformed = 'urls is not a list of strings';
  }
  if (Array.isArray(item.maintainers) && (item.maintainers as unknown[]).some((m) => m === null)) {
    raw.malformed = 'maintainers must not contain empty or null nodes';
  }
  if (Array.isArray(item.dependencies)) {
    raw.dependencyAliases = (item.dependencies as unknown[]).map((d) => {
      if (!isObject(d)) {
        raw.malformed = 'dependencies must not contain empty or null nodes';
        return undefined;
      }
      return typeof d.alias === 'string' ? d.alias : undefined;
    });
  }
  return raw;
}
