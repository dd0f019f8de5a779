// What can be wrong with a HelmRelease's values. Every error has the reason `ValuesError`, which
// flows unchanged into the Ready condition, the event and the metrics; the message names the
// source ("ConfigMap ns/name key values.yaml") and says what to fix. A message never quotes the
// content of a Secret.

/** Where a value came from, as the message names it. */
export interface ValuesSourceRef {
  kind: 'ConfigMap' | 'Secret';
  namespace: string;
  name: string;
  valuesKey: string;
}

export function describeSource(source: ValuesSourceRef): string {
  return `${source.kind} ${source.namespace}/${source.name} key ${source.valuesKey}`;
}

export class ValuesError extends Error {
  override readonly name: string = 'ValuesError';
  readonly reason = 'ValuesError';
  /** "ConfigMap ns/name key values.yaml" or "spec.values". */
  readonly source: string;

  constructor(source: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.source = source;
  }
}

/** A ConfigMap or Secret named in valuesFrom, or its key, does not exist (and is not optional). */
export class ValuesSourceNotFoundError extends ValuesError {
  override readonly name = 'ValuesSourceNotFoundError';
}

/** A values document is not YAML, not a map, or holds something helm cannot take as values. */
export class ValuesDocumentError extends ValuesError {
  override readonly name = 'ValuesDocumentError';
}

/** A targetPath does not parse, or its value cannot be set there (helm --set rules). */
export class TargetPathError extends ValuesError {
  override readonly name = 'TargetPathError';
  readonly targetPath: string;

  constructor(source: string, targetPath: string, message: string) {
    super(source, message);
    this.targetPath = targetPath;
  }
}
