// The secret scan of a test run: learns every value of the Secrets written during the run (from
// the kube-apiserver audit log) and looks for them in every event, every status of a capstan
// object and every controller log line written during the same run. A finding names the
// object, the field and the Secret, never the value.
import { load } from 'js-yaml';

/** One entry of the audit log (JSON lines), reduced to what the scan reads. */
interface AuditEntry {
  stage?: string;
  verb?: string;
  objectRef?: { apiGroup?: string; resource?: string; subresource?: string; namespace?: string; name?: string };
  responseStatus?: { code?: number };
  requestObject?: unknown;
  responseObject?: unknown;
}

interface SecretObject {
  kind?: string;
  type?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

/** A place written during the run where a secret value must never appear. */
export interface Written {
  /** Where it was written: `event apps/web.1234`, `status HelmRelease apps/web`, `log file.log:12`. */
  where: string;
  object: unknown;
}

export interface Finding {
  where: string;
  /** JSON path of the string that holds the value. */
  field: string;
  /** The Secret (namespace/name and key) the value comes from. */
  secret: string;
  form: 'plain' | 'base64';
}

export interface ScanFigures {
  secrets: number;
  values: number;
  events: number;
  statuses: number;
  logLines: number;
}

// Shorter values match by accident (`true`, `admin`, a replica count).
const MIN_LENGTH = 6;

// A user name is an identity, not a credential: it is shown by design (and the test registry's
// `capstan` is in every resource name).
const IDENTITY_KEYS = new Set(['username']);

// Secrets whose values legitimately show up elsewhere, or that are not test data: helm's release
// storage (it holds the rendered values of every release) and service-account tokens.
function isTestSecret(secret: SecretObject): boolean {
  return secret.metadata?.labels?.owner !== 'helm' && secret.type !== 'kubernetes.io/service-account-token';
}

/** The strings a secret value contributes: itself, and the leaves of it read as YAML (values.yaml, headers). */
export function secretStrings(value: string): string[] {
  const found = new Set<string>([value.trim()]);
  let parsed: unknown;
  try {
    parsed = load(value);
  } catch {
    parsed = undefined;
  }
  if (parsed !== null && typeof parsed === 'object') {
    for (const [path, leaf] of leaves(parsed, '')) {
      if (!IDENTITY_KEYS.has(path.split('.').at(-1) ?? '')) found.add(leaf);
    }
  }
  return [...found].filter((s) => s.length >= MIN_LENGTH);
}

/** Every string (and number) under an object, with its JSON path. */
function* leaves(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (typeof value === 'number') yield [path, String(value)];
  else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) yield* leaves(item, `${path}[${String(i)}]`);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key !== 'managedFields') yield* leaves(item, path === '' ? key : `${path}.${key}`);
    }
  }
}

/** What the scan learns from the audit log: the secret values, and every event and status write. */
export interface AuditRecord {
  /** Secret value → the Secret and key it comes from. */
  values: Map<string, string>;
  secrets: Set<string>;
  events: Written[];
  statuses: Written[];
}

export function readAuditLog(text: string): AuditRecord {
  const record: AuditRecord = { values: new Map(), secrets: new Set(), events: [], statuses: [] };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const entry = JSON.parse(line) as AuditEntry;
    const code = entry.responseStatus?.code ?? 0;
    if (entry.stage !== 'ResponseComplete' || code < 200 || code >= 300) continue;
    const ref = entry.objectRef ?? {};
    const name = `${ref.namespace ?? ''}/${ref.name ?? ''}`;
    if (ref.resource === 'secrets' && ref.subresource === undefined) {
      learnSecret(record, entry);
    } else if (ref.resource === 'events') {
      record.events.push({ where: `event ${name}`, object: entry.responseObject ?? entry.requestObject });
    } else if (ref.subresource === 'status' && (ref.apiGroup ?? '').endsWith('.capstan.dev')) {
      // The request is what the controller wrote; the response holds the resulting status.
      const response = entry.responseObject as { status?: unknown } | undefined;
      record.statuses.push({ where: `status ${ref.resource ?? ''}.${ref.apiGroup ?? ''} ${name}`, object: { request: entry.requestObject, status: response?.status } });
    }
  }
  return record;
}

function learnSecret(record: AuditRecord, entry: AuditEntry): void {
  // stringData only exists in the request: the apiserver folds it into data.
  for (const object of [entry.requestObject, entry.responseObject] as (SecretObject | undefined)[]) {
    if (object?.kind !== 'Secret' || !isTestSecret(object)) continue;
    const name = `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
    record.secrets.add(name);
    const values: [string, string][] = [
      ...Object.entries(object.data ?? {}).map(([k, v]): [string, string] => [k, Buffer.from(v, 'base64').toString('utf8')]),
      ...Object.entries(object.stringData ?? {}),
    ];
    for (const [key, value] of values.filter(([k]) => !IDENTITY_KEYS.has(k))) {
      for (const s of secretStrings(value)) record.values.set(s, `Secret ${name} key ${key}`);
    }
  }
}

/** Every place where a secret value (plain or base64) appears in what was written. */
export function findLeaks(values: Map<string, string>, written: Iterable<Written>): Finding[] {
  const needles = [...values].flatMap(([value, secret]) => [
    { text: value, secret, form: 'plain' as const },
    { text: Buffer.from(value).toString('base64'), secret, form: 'base64' as const },
  ]);
  const findings: Finding[] = [];
  for (const { where, object } of written) {
    for (const [field, text] of leaves(object, '')) {
      for (const needle of needles) {
        if (text.includes(needle.text)) findings.push({ where, field, secret: needle.secret, form: needle.form });
      }
    }
  }
  return findings;
}

/** A controller log line as something written: its JSON fields, or the raw line. */
export function logLine(where: string, line: string): Written {
  try {
    return { where, object: JSON.parse(line) as unknown };
  } catch {
    return { where, object: line };
  }
}

/** One finding per Secret key and field, with how many places hold it: a leak repeats on every write. */
export function groupFindings(findings: Finding[]): { first: Finding; count: number }[] {
  const groups = new Map<string, { first: Finding; count: number }>();
  for (const f of findings) {
    const key = `${f.secret}|${f.form}|${f.field}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { first: f, count: 1 });
  }
  return [...groups.values()];
}

export function describeFinding(f: Finding): string {
  return `${f.where}, field ${f.field === '' ? '(the line)' : f.field}: holds a value of ${f.secret}${f.form === 'base64' ? ' (base64)' : ''}`;
}
