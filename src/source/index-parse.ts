// Parses a downloaded index.yaml into the normalised index. Like helm, a body that is valid JSON
// is read as JSON (fast), anything else as YAML: first by the fast reader of the layout helm writes,
// else by the general YAML reader. Whatever the body, the outcome is a typed index
// or an IndexationError that says what was wrong; a bad entry is dropped and counted, not fatal.
import { IndexationError } from './errors.ts';
import { readJsonIndex, parseJson } from './index-json.ts';
import type { ParsedIndex } from './index-normalise.ts';
import { readHelmLayoutIndex } from './index-yaml-fast.ts';
import { readYamlIndex } from './index-yaml.ts';

export type { ParsedIndex } from './index-normalise.ts';

export function parseIndex(body: Buffer | string): ParsedIndex {
  const text = (typeof body === 'string' ? body : body.toString('utf8')).replace(/^\uFEFF/, '');
  const start = text.search(/\S/);
  if (start === -1) throw new IndexationError('the repository index is empty: the server sent no content');
  if (text.startsWith('<', start)) {
    throw new IndexationError('the repository index is an HTML page, not YAML: check that the URL is the repository\'s root (the folder holding index.yaml) and that the server does not send a login or error page');
  }
  const json = text.startsWith('{', start) ? parseJson(text) : undefined;
  const parsed = json !== undefined ? readJsonIndex(json) : (readHelmLayoutIndex(text) ?? readYamlIndex(text));
  if (parsed.index.apiVersion === '') {
    throw new IndexationError('the repository index has no apiVersion: the body is not a Helm repository index');
  }
  return parsed;
}
