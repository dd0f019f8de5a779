// A valuesFrom entry with a targetPath puts the text of its key at that path, the way Flux's
// helm-controller does (internal/chartutil/values.go, ReplacePathValue): the line
// `targetPath=text` goes through helm's `--set` parser, so the text is typed like a `--set` value
// (and a `,` in it starts another assignment, a `{a,b}` is a list); a text wrapped in single or
// double quotes has every leading and trailing quote trimmed and is set as a string
// (`--set-string`). Capstan adds `literal: true`: the text is one string, untouched (`--set-literal`).
import { TargetPathError } from './errors.ts';
import { parseSetLine, StrvalsError, type SetMode } from './strvals.ts';
import type { ValuesMap } from './value.ts';

export interface TargetPathEntry {
  /** helm --set path: dots, `\.` escapes, `[i]` indexes. */
  targetPath: string;
  /** The text of the ConfigMap or Secret key, as stored (a trailing newline is kept, as in Flux). */
  content: string;
  literal?: boolean;
}

/** The helm flag an entry amounts to, and the line given to it. */
export function setLineFor(entry: TargetPathEntry): { mode: SetMode; line: string } {
  if (entry.literal === true) return { mode: 'literal', line: `${entry.targetPath}=${entry.content}` };
  const text = entry.content;
  const quoted = (text.startsWith('"') && text.endsWith('"')) || (text.startsWith("'") && text.endsWith("'"));
  if (quoted) return { mode: 'string', line: `${entry.targetPath}=${trimQuotes(text)}` };
  return { mode: 'typed', line: `${entry.targetPath}=${text}` };
}

export interface SourceLabel {
  /** "Secret ns/name key password": named in the message. */
  description: string;
  /** A Secret's text never appears in a message. */
  secret: boolean;
}

/** Sets the entry into `values` (in place); a line helm would reject is a TargetPathError. */
export function setTargetPath(values: ValuesMap, entry: TargetPathEntry, source: SourceLabel): void {
  const { mode, line } = setLineFor(entry);
  try {
    parseSetLine(line, values, mode);
  } catch (err) {
    if (!(err instanceof StrvalsError)) throw err;
    const why = source.secret ? err.redacted : err.message;
    throw new TargetPathError(
      source.description,
      entry.targetPath,
      `${source.description}: targetPath ${JSON.stringify(entry.targetPath)} cannot be set (${why}): ` +
        'fix the path (helm --set syntax: a.b, a\\.b for a dot in a key, a[0] for a list index) or the value, ' +
        'which is parsed like a --set value unless it is quoted or literal: true',
    );
  }
}

/** Go's strings.Trim(text, `'"`): every quote character at either end. */
function trimQuotes(text: string): string {
  return text.replace(/^['"]+/, '').replace(/['"]+$/, '');
}
