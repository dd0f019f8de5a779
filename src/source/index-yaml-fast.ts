// A fast path for the index.yaml that helm itself writes (`helm repo index`, chart museums and most
// hosted repositories): block style, keys sorted, sequences not indented, one scalar per line. It
// reads that layout line by line, taking only the fields resolution needs, at a fraction of the
// time and memory of a general YAML parser (DESIGN §4: a 17 MB index parsed in < 0.6 s and
// < 150 MB). The moment a line falls outside that layout (flow collections, anchors, tags, quoted
// keys, comments, multi-line scalars in a field it reads, ...) it gives up and returns undefined,
// and the general reader (index-yaml.ts) parses the document instead: the fast path may decline
// anything, but what it accepts it reads exactly as the general reader does (see its tests).
// It does not check the syntax of the lines it skips (descriptions, annotations, ...), so an index
// broken only there is read where helm would refuse it, in line with dropping bad entries rather
// than failing a whole repository.
import { IndexBuilder, type ParsedIndex, type RawChartVersion } from './index-normalise.ts';
import type { ChartVersion } from './index-model.ts';

const KEY_LINE = /^([A-Za-z_][A-Za-z0-9_.-]*):(?: +(.*))?$/;
const CHART_KEY = /^ {2}([A-Za-z0-9_][A-Za-z0-9_.+-]*):(?: +(\[\]|null|~))?$/;
const NULL_WORDS = new Set(['', '~', 'null', 'Null', 'NULL']);
const PLAIN_START = /^[A-Za-z0-9_./$(^=+;<]/;

/** Sentinel for "not a value this fast path can read". */
const DECLINE = Symbol('decline');
type Scalar = string | undefined | typeof DECLINE;

/** An inline scalar as YAML reads it, or DECLINE when it is not one of the simple forms. */
function scalar(raw: string | undefined): Scalar {
  if (raw === undefined) return undefined;
  const text = raw.replace(/ +$/, '');
  if (NULL_WORDS.has(text)) return undefined;
  const first = text.charAt(0);
  if (first === '"') {
    return text.length >= 2 && text.endsWith('"') && !/["\\]/.test(text.slice(1, -1)) ? text.slice(1, -1) : DECLINE;
  }
  if (first === "'") {
    const inner = text.slice(1, -1);
    return text.length >= 2 && text.endsWith("'") && !/'(?!')/.test(inner.replaceAll("''", '')) ? inner.replaceAll("''", "'") : DECLINE;
  }
  if (!PLAIN_START.test(text) || text.includes(': ') || text.includes(' #') || text.endsWith(':')) return DECLINE;
  return text;
}

function indentOf(line: string): number {
  let i = 0;
  while (line.charCodeAt(i) === 32) i++;
  return i;
}

type Section = 'top' | 'skipTop' | 'entries';
type Field = 'other' | 'urls' | 'maintainers' | 'dependencies';

const SCALAR_FIELDS = new Set(['apiVersion', 'name', 'version', 'type', 'created', 'digest']);

/** The parsed index, or undefined when the text is not in the layout this fast path reads. */
export function readHelmLayoutIndex(text: string): ParsedIndex | undefined {
  if (text.includes('\r') || text.includes('\t')) return undefined;
  const builder = new IndexBuilder();
  const seenCharts = new Set<string>();
  let section: Section = 'top';
  let chartName = '';
  let chart: ChartVersion[] | undefined;
  let version: RawChartVersion | undefined;
  let field: Field = 'other';
  /** The field just read inline, which a more indented next line would continue. */
  let inlineField = false;
  let sawEntries = false;

  const finishVersion = () => {
    if (version && chart) builder.version(chart, chartName, version);
    version = undefined;
  };

  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    const indent = indentOf(line);
    if (indent === line.length) continue;
    const first = line.charAt(indent);
    if (first === '#' || (indent === 0 && (line.startsWith('---') || line.startsWith('...') || first === '%'))) return undefined;

    if (indent === 0) {
      finishVersion();
      if (first === '-') {
        if (section === 'skipTop') continue;
        return undefined;
      }
      const m = KEY_LINE.exec(line);
      if (!m?.[1]) return undefined;
      const key = m[1];
      const value = m[2];
      section = 'top';
      if (key === 'entries') {
        if (sawEntries) return undefined;
        sawEntries = true;
        if (value === undefined) section = 'entries';
        else if (scalar(value) !== undefined && value !== '{}') return undefined;
        continue;
      }
      const v = scalar(value);
      if (v === DECLINE) return undefined;
      if (key === 'apiVersion') builder.apiVersion = v;
      else if (key === 'generated') builder.generated = v;
      if (value === undefined) section = 'skipTop';
      continue;
    }
    if (section === 'skipTop') continue;
    if (section !== 'entries' || indent === 1 || indent === 3) return undefined;

    if (indent === 2 && first !== '-') {
      finishVersion();
      const m = CHART_KEY.exec(line);
      if (!m?.[1] || seenCharts.has(m[1])) return undefined;
      chartName = m[1];
      seenCharts.add(chartName);
      chart = builder.chart(chartName);
      continue;
    }
    if (!chart) return undefined;

    let body: string;
    if (indent === 2) {
      // "  - key: value" opens the next version; its first key sits at column 4.
      if (!line.startsWith('  - ')) return undefined;
      finishVersion();
      version = {};
      field = 'other';
      body = line.slice(4);
    } else if (indent === 4) {
      body = line.slice(4);
    } else {
      if (!version) return undefined;
      if (inlineField) return undefined; // a multi-line scalar in a field we read
      if (field === 'dependencies' && indent === 6 && first !== '-') {
        if (readAlias(line.slice(6), version) === DECLINE) return undefined;
      }
      continue;
    }
    if (!version) return undefined;

    if (body.startsWith('- ') || body === '-') {
      // An item of the sequence under the current field (sequences are not indented).
      inlineField = false;
      const item = body.slice(2);
      if (field === 'urls') {
        const url = scalar(item);
        if (url === DECLINE) return undefined;
        if (url === undefined) version.malformed = 'urls is not a list of strings';
        else (version.urls ??= []).push(url);
        inlineField = true;
      } else if (field === 'maintainers' || field === 'dependencies') {
        if (!KEY_LINE.test(item)) return undefined;
        if (field === 'dependencies') {
          (version.dependencyAliases ??= []).push(undefined);
          if (readAlias(item, version) === DECLINE) return undefined;
        }
      }
      continue;
    }
    const m = KEY_LINE.exec(body);
    if (!m?.[1]) return undefined;
    const key = m[1];
    const value = m[2];
    field = key === 'urls' ? 'urls' : key === 'maintainers' ? 'maintainers' : key === 'dependencies' ? 'dependencies' : 'other';
    inlineField = false;
    if (SCALAR_FIELDS.has(key)) {
      const v = scalar(value);
      if (v === DECLINE || value === undefined) return undefined;
      version[key as 'version'] = v;
      inlineField = true;
    } else if (field !== 'other') {
      if (value === '[]') {
        if (field === 'urls') version.urls = [];
        if (field === 'dependencies') version.dependencyAliases = [];
      } else if (value !== undefined) {
        if (scalar(value) !== undefined) return undefined;
        field = 'other';
      } else if (field === 'dependencies') {
        version.dependencyAliases = [];
      }
    } else if (value !== undefined && scalar(value) === DECLINE && !/^[|>][-+]?$/.test(value)) {
      // Ignored fields still have to be lines this layout understands, or the structure is in doubt.
      return undefined;
    }
  }
  finishVersion();
  return builder.finish();
}

/** Reads "alias: x" of the current dependency into its slot. */
function readAlias(body: string, version: RawChartVersion): Scalar | null {
  const m = KEY_LINE.exec(body);
  // A key line of another shape ("alias  :", a quoted key) could still be the alias: decline.
  if (!m) return DECLINE;
  if (m[1] !== 'alias') return null;
  const alias = scalar(m[2]);
  if (alias === DECLINE) return DECLINE;
  const aliases = version.dependencyAliases;
  if (aliases && aliases.length > 0) aliases[aliases.length - 1] = alias;
  return alias;
}
