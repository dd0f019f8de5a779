// A HelmRelease's values, composed from its valuesFrom sources and inline values (DESIGN §3), as
// one map for one values file. Pure: the caller reads the ConfigMaps and Secrets first.
//
// The order is the one `helm template -f doc1 -f doc2 … -f inline --set tp1 --set tp2 …` applies:
//   1. start from {} and merge each whole document, in valuesFrom order;
//   2. merge the inline values (spec.values) over them;
//   3. set each targetPath entry, in valuesFrom order.
// So a targetPath entry wins over inline values (DESIGN §3) and over every document, also one listed
// after it, just as `--set` wins over every `-f`. This differs from Flux, whose inline values are
// merged last and win over everything.
import { describeSource, ValuesDocumentError, ValuesError, ValuesSourceNotFoundError } from './errors.ts';
import { mergeValues } from './merge.ts';
import { readValuesDocument } from './read-yaml.ts';
import { setTargetPath } from './set-path.ts';
import { isValuesMap, toValue, type ValuesMap } from './value.ts';
import { YamlReadError } from './yaml-error.ts';

export interface ResolvedSource {
  kind: 'ConfigMap' | 'Secret';
  namespace: string;
  name: string;
  valuesKey: string;
  /** The text under valuesKey (a Secret's decoded); undefined when the object or the key is missing. */
  content: string | undefined;
  /** Which one is missing, when the caller knows: it makes the message precise. */
  missing?: 'object' | 'key';
  optional: boolean;
  /** Put `content` at this path (helm --set syntax) instead of merging it as a document. */
  targetPath?: string;
  /** With targetPath: `content` is one string, like helm --set-literal. */
  literal?: boolean;
}

export interface ComposedValues {
  values: ValuesMap;
  /** Optional sources that were missing and left out ("ConfigMap ns/name key values.yaml"). */
  skipped: string[];
}

export function composeValues(sources: readonly ResolvedSource[], inline?: unknown): ComposedValues {
  let values: ValuesMap = {};
  const skipped: string[] = [];
  const targets: { source: ResolvedSource; content: string; targetPath: string }[] = [];

  for (const source of sources) {
    if (source.content === undefined) {
      if (source.optional) {
        skipped.push(describeSource(source));
        continue;
      }
      throw notFound(source);
    }
    // An empty targetPath means none, as in Flux.
    if (source.targetPath !== undefined && source.targetPath !== '') {
      targets.push({ source, content: source.content, targetPath: source.targetPath });
      continue;
    }
    values = mergeValues(values, readDocument(source, source.content));
  }

  if (inline !== undefined && inline !== null) values = mergeValues(values, inlineValues(inline));

  for (const { source, content, targetPath } of targets) {
    setTargetPath(values, { targetPath, content, literal: source.literal === true }, { description: describeSource(source), secret: source.kind === 'Secret' });
  }
  return { values, skipped };
}

function readDocument(source: ResolvedSource, content: string): ValuesMap {
  try {
    return readValuesDocument(content);
  } catch (err) {
    if (!(err instanceof YamlReadError)) throw err;
    const what = describeSource(source);
    const why = source.kind === 'Secret' ? err.redacted : err.message;
    const problem = err.line === undefined ? `cannot be used as Helm values: ${why}` : `is not valid YAML: ${why}`;
    throw new ValuesDocumentError(
      what,
      `${what} ${problem}; fix it so that it holds one YAML map of values, or set targetPath to use the text as a single value`,
    );
  }
}

function inlineValues(inline: unknown): ValuesMap {
  const checked = toValue(inline);
  if (!checked.ok) {
    throw new ValuesDocumentError('spec.values', `spec.values cannot be used as Helm values: at ${checked.path || 'the top'}, ${checked.why}; fix spec.values`);
  }
  if (!isValuesMap(checked.value)) {
    throw new ValuesDocumentError('spec.values', 'spec.values must be a map of values, not a list or a single value; fix spec.values');
  }
  return checked.value;
}

function notFound(source: ResolvedSource): ValuesError {
  const object = `${source.kind} ${source.namespace}/${source.name}`;
  const optional = 'or set optional: true on its valuesFrom entry if the release may do without it';
  const message =
    source.missing === 'object'
      ? `${object} not found: create it in namespace ${source.namespace}, ${optional}`
      : source.missing === 'key'
        ? `${object} has no key ${source.valuesKey}: add the key, set valuesKey to the key that holds the values, ${optional}`
        : `${describeSource(source)} not found: create the ${source.kind} and its key, ${optional}`;
  return new ValuesSourceNotFoundError(describeSource(source), message);
}
