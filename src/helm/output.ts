// helm's JSON output, validated once at the edge and turned into capstan's types. Only the fields
// capstan reads are declared; helm prints more (the whole chart on install and upgrade, every live
// object in helm 4's status) and may add fields in later versions, which are ignored.
import Type, { type Static, type TSchema } from 'typebox';
import Value from 'typebox/value';
import { HelmOutputError, type HelmAction, type TestRun } from './errors.ts';

export const RELEASE_STATUSES = [
  'unknown', 'deployed', 'uninstalled', 'superseded', 'failed',
  'uninstalling', 'pending-install', 'pending-upgrade', 'pending-rollback',
] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

const Status = Type.Union(RELEASE_STATUSES.map((s) => Type.Literal(s)));

export interface ChartRef {
  name: string;
  version: string;
  appVersion: string;
}

/** One release revision as `helm install|upgrade|status -o json` prints it. */
export interface Release {
  name: string;
  namespace: string;
  revision: number;
  status: ReleaseStatus;
  description: string;
  firstDeployed: string;
  lastDeployed: string;
  /** Absent from `helm status`, which does not print the chart. */
  chart?: ChartRef;
  /** Test hooks that have run, with their last phase. */
  tests: TestRun[];
  /** The rendered manifests (install and upgrade print them; a dry run is read for them). */
  manifest?: string;
}

/** One revision of `helm history -o json`. */
export interface HistoryEntry {
  revision: number;
  updated: string;
  status: ReleaseStatus;
  /** <chart name>-<chart version>, as helm prints it. */
  chart: string;
  appVersion: string;
  description: string;
}

/** One release of `helm list -o json`. */
export interface ListEntry {
  name: string;
  namespace: string;
  revision: number;
  updated: string;
  status: ReleaseStatus;
  chart: string;
  appVersion: string;
}

const ReleaseJson = Type.Object({
  name: Type.String(),
  namespace: Type.String(),
  version: Type.Integer({ minimum: 1 }),
  info: Type.Object({
    status: Status,
    description: Type.Optional(Type.String()),
    first_deployed: Type.Optional(Type.String()),
    last_deployed: Type.Optional(Type.String()),
  }),
  chart: Type.Optional(Type.Object({
    metadata: Type.Object({ name: Type.String(), version: Type.String(), appVersion: Type.Optional(Type.String()) }),
  })),
  manifest: Type.Optional(Type.String()),
  hooks: Type.Optional(Type.Array(Type.Object({
    name: Type.String(),
    events: Type.Optional(Type.Array(Type.String())),
    last_run: Type.Optional(Type.Object({ phase: Type.Optional(Type.String()) })),
  }))),
});

const HistoryJson = Type.Array(Type.Object({
  revision: Type.Integer({ minimum: 1 }),
  updated: Type.String(),
  status: Status,
  chart: Type.String(),
  app_version: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
}));

// `helm list` prints the revision as a string, unlike `helm history`.
const ListJson = Type.Array(Type.Object({
  name: Type.String(),
  namespace: Type.String(),
  revision: Type.String({ pattern: '^[0-9]+$' }),
  updated: Type.String(),
  status: Status,
  chart: Type.String(),
  app_version: Type.Optional(Type.String()),
}));

// `helm get values` prints `null` for a release installed without values.
const ValuesJson = Type.Union([Type.Null(), Type.Record(Type.String(), Type.Unknown())]);

function parse<S extends TSchema>(action: HelmAction, schema: S, stdout: string): Static<S> {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch (err) {
    throw new HelmOutputError(`helm ${action} printed output that is not JSON: ${(err as Error).message}`, { action, stderr: '' }, { cause: err });
  }
  if (!Value.Check(schema, doc)) {
    const first = Value.Errors(schema, doc).slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new HelmOutputError(`helm ${action} printed JSON of an unexpected shape (${first}); is this helm version supported?`, { action, stderr: '' });
  }
  return doc;
}

export function parseRelease(action: HelmAction, stdout: string): Release {
  const doc = parse(action, ReleaseJson, stdout);
  const meta = doc.chart?.metadata;
  return {
    name: doc.name,
    namespace: doc.namespace,
    revision: doc.version,
    status: doc.info.status,
    description: doc.info.description ?? '',
    firstDeployed: doc.info.first_deployed ?? '',
    lastDeployed: doc.info.last_deployed ?? '',
    ...(meta ? { chart: { name: meta.name, version: meta.version, appVersion: meta.appVersion ?? '' } } : {}),
    tests: (doc.hooks ?? [])
      .filter((hook) => hook.events?.includes('test') === true && (hook.last_run?.phase ?? '') !== '')
      .map((hook) => ({ name: hook.name, phase: hook.last_run?.phase ?? '' })),
    ...(doc.manifest !== undefined ? { manifest: doc.manifest } : {}),
  };
}

export function parseHistory(stdout: string): HistoryEntry[] {
  return parse('history', HistoryJson, stdout).map((e) => ({
    revision: e.revision,
    updated: e.updated,
    status: e.status,
    chart: e.chart,
    appVersion: e.app_version ?? '',
    description: e.description ?? '',
  }));
}

export function parseList(stdout: string): ListEntry[] {
  return parse('list', ListJson, stdout).map((e) => ({
    name: e.name,
    namespace: e.namespace,
    revision: Number(e.revision),
    updated: e.updated,
    status: e.status,
    chart: e.chart,
    appVersion: e.app_version ?? '',
  }));
}

export function parseValues(stdout: string): Record<string, unknown> {
  return parse('get-values', ValuesJson, stdout) ?? {};
}

/**
 * `helm test` has no JSON output; both majors print one block per test hook:
 * `TEST SUITE: <name>`, `Last Started: <time>`, `Last Completed: <time>`, `Phase: <phase>`.
 */
export function parseTestRuns(stdout: string): TestRun[] {
  const runs: TestRun[] = [];
  let run: TestRun | undefined;
  for (const line of stdout.split('\n')) {
    const suite = /^TEST SUITE:\s+(\S+)/.exec(line)?.[1];
    if (suite !== undefined) run = suite === 'None' ? undefined : { name: suite, phase: '' };
    if (run === undefined) continue;
    const started = /^Last Started:\s+(.+)$/.exec(line)?.[1];
    const completed = /^Last Completed:\s+(.+)$/.exec(line)?.[1];
    const at = goTime(started ?? completed ?? '');
    if (at !== undefined) run[started !== undefined ? 'startedAt' : 'completedAt'] = at;
    const phase = /^Phase:\s+(\S+)/.exec(line)?.[1];
    if (phase !== undefined) {
      runs.push({ ...run, phase });
      run = undefined;
    }
  }
  return runs;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's time.ANSIC (`Mon Jan _2 15:04:05 2006`), in the local zone helm printed it in, as RFC 3339. */
function goTime(text: string): string | undefined {
  const m = /^\w{3} (\w{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/.exec(text.trim());
  const month = MONTHS.indexOf(m?.[1] ?? '');
  if (!m || month < 0) return undefined;
  return new Date(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])).toISOString();
}
