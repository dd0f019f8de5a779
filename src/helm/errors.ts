// What can go wrong when capstan runs helm, decided once from helm's exit and its own words on
// stderr (helm has no machine-readable errors). Each error carries a stable `reason` that flows
// unchanged into conditions, events and metrics, the tail of helm's stderr, and a message that says
// what happened and what to do. The patterns were captured from helm 3.17 and helm 4.1 (see
// test/unit/helm/stderr/), which word most errors alike.

/** Every helm command the wrapper runs; the `action` label of the duration histogram. */
export type HelmAction =
  | 'install' | 'upgrade' | 'rollback' | 'uninstall' | 'test'
  | 'history' | 'status' | 'get-values' | 'get-manifest' | 'template' | 'list' | 'version'
  | 'package' | 'dependency-build';

export type HelmReason =
  | 'HelmTimeout'
  | 'HelmCancelled'
  | 'HelmForbidden'
  | 'ReleaseLocked'
  | 'ReleaseNotFound'
  | 'ReleaseExists'
  | 'NamespaceNotFound'
  | 'ChartRenderFailed'
  | 'ValuesSchemaInvalid'
  | 'TestFailed'
  | 'HelmOutputInvalid'
  | 'HelmUnsupported'
  | 'HelmFailed';

/** What one failed invocation looked like: the classifier's only input. */
export interface HelmFailure {
  action: HelmAction;
  /** namespace/name of the release, when the command is about one. */
  release?: string;
  exitCode?: number;
  /** The signal that ended helm (SIGTERM, SIGKILL), if one did. */
  signal?: string;
  stderr: string;
  /** The caller's AbortSignal fired and helm was stopped because of it. */
  cancelled?: boolean;
  /** helm outlived the wrapper's own deadline and was stopped. */
  deadlineExceeded?: boolean;
  /** The process could not be started at all (missing binary, permissions). */
  spawnError?: string;
  /** The identity helm impersonated, for the RBAC message. */
  impersonating?: string;
}

const TAIL_LINES = 12;
const TAIL_CHARS = 2000;

/** The last lines of helm's stderr, short enough for an event or a condition message. */
export function stderrTail(stderr: string): string {
  const lines = stderr.trimEnd().split('\n').slice(-TAIL_LINES).join('\n');
  return lines.length > TAIL_CHARS ? `…${lines.slice(-TAIL_CHARS)}` : lines;
}

/** helm's own account of the failure: from its last `Error:` line on, without its debugging hint. */
export function helmSays(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  const start = lines.findLastIndex((line) => line.startsWith('Error: '));
  const said = (start === -1 ? lines.slice(-3) : lines.slice(start))
    .filter((line) => !line.startsWith('Use --debug flag'))
    .join('\n')
    .replace(/^Error: /, '')
    .replace(/\n{2,}/g, '\n')
    .trim();
  return said.length > TAIL_CHARS ? `${said.slice(0, TAIL_CHARS)}…` : said;
}

export class HelmError extends Error {
  override readonly name: string = 'HelmError';
  readonly reason: HelmReason = 'HelmFailed';
  readonly action: HelmAction;
  readonly release: string | undefined;
  readonly exitCode: number | undefined;
  /** The last lines of helm's stderr, as helm wrote them. */
  readonly stderrTail: string;

  constructor(message: string, failure: HelmFailure, options?: ErrorOptions) {
    super(message, options);
    this.action = failure.action;
    this.release = failure.release;
    this.exitCode = failure.exitCode;
    this.stderrTail = stderrTail(failure.stderr);
  }
}

/** helm ran out of time: its own --timeout (resources or hooks not ready) or the wrapper's deadline. */
export class HelmTimeoutError extends HelmError {
  override readonly name = 'HelmTimeoutError';
  override readonly reason = 'HelmTimeout';
}

/** The caller aborted (shutdown, lost leadership); helm was stopped before it finished. */
export class HelmCancelledError extends HelmError {
  override readonly name = 'HelmCancelledError';
  override readonly reason = 'HelmCancelled';
}

/** RBAC refused a request helm made; the message quotes the API server. */
export class HelmForbiddenError extends HelmError {
  override readonly name = 'HelmForbiddenError';
  override readonly reason = 'HelmForbidden';
}

/** Another operation holds the release (pending-install/upgrade/rollback), running or interrupted. */
export class ReleaseLockedError extends HelmError {
  override readonly name = 'ReleaseLockedError';
  override readonly reason = 'ReleaseLocked';
}

export class ReleaseNotFoundError extends HelmError {
  override readonly name = 'ReleaseNotFoundError';
  override readonly reason = 'ReleaseNotFound';
}

/** An install of a name that already has a release. */
export class ReleaseExistsError extends HelmError {
  override readonly name = 'ReleaseExistsError';
  override readonly reason = 'ReleaseExists';
}

export class NamespaceNotFoundError extends HelmError {
  override readonly name = 'NamespaceNotFoundError';
  override readonly reason = 'NamespaceNotFound';
}

/** The templates did not render (template or YAML syntax, `fail`, `required`) or rendered objects the cluster cannot read. */
export class ChartRenderError extends HelmError {
  override readonly name = 'ChartRenderError';
  override readonly reason = 'ChartRenderFailed';
}

/** The values break the chart's values.schema.json. */
export class ValuesSchemaError extends HelmError {
  override readonly name = 'ValuesSchemaError';
  override readonly reason = 'ValuesSchemaInvalid';
}

export interface TestRun {
  name: string;
  /** Succeeded, Failed, Running, Unknown, … as helm reports the hook's last run. */
  phase: string;
  /** When the last run started and ended (RFC 3339), when helm printed it. */
  startedAt?: string;
  completedAt?: string;
}

/** `helm test` ran and at least one test failed. */
export class HelmTestFailedError extends HelmError {
  override readonly name = 'HelmTestFailedError';
  override readonly reason = 'TestFailed';
  readonly tests: TestRun[];

  constructor(message: string, failure: HelmFailure, tests: TestRun[]) {
    super(message, failure);
    this.tests = tests;
  }
}

/** helm succeeded but printed something the wrapper cannot read (a helm version it does not know). */
export class HelmOutputError extends HelmError {
  override readonly name = 'HelmOutputError';
  override readonly reason = 'HelmOutputInvalid';
}

/** The binary is not helm 3 or 4, or not runnable. */
export class HelmUnsupportedError extends HelmError {
  override readonly name = 'HelmUnsupportedError';
  override readonly reason = 'HelmUnsupported';
}

// Order matters: RBAC errors also contain "Release not loaded" (uninstall), and a failed test pod
// can mention a deadline. Patterns match both helm 3's and helm 4's wording.
const FORBIDDEN = /(?:[\w.-]+ (?:"[^"]*" )?is forbidden: [^\n]*)/;
const LOCKED = /another operation \(install\/upgrade\/rollback\) is in progress/;
const TIMEOUT = /context deadline exceeded|timed out waiting for the condition/;
const SCHEMA = /values don't meet the specifications of the schema/;
const RENDER = /execution error at \(|parse error at \(|template: [^\n]*: (?:executing|function)|YAML parse error on |unable to build kubernetes objects from (?:release|new release) manifest/;
const TEST_FAILED = /pod \S+ failed/;
const EXISTS = /cannot re-?use a name that is still in use/;
const NOT_FOUND = /release: not found|has no deployed releases|Release not loaded|release has no \d+ version/;
const NAMESPACE_NOT_FOUND = /namespaces "([^"]+)" not found/;

/** The error for one failed invocation; `tests` are the parsed results when the action is `test`. */
export function classifyFailure(failure: HelmFailure, tests: TestRun[] = []): HelmError {
  const { action, stderr } = failure;
  const what = failure.release === undefined ? `helm ${action}` : `helm ${action} of release ${failure.release}`;
  const said = helmSays(stderr);

  if (failure.spawnError !== undefined) {
    return new HelmUnsupportedError(`${what} could not start: ${failure.spawnError}; check --helm-binary`, failure);
  }
  if (failure.cancelled === true) {
    // Only install and upgrade handle SIGTERM; anything else was killed where it stood.
    const left = action === 'install' || action === 'upgrade'
      ? 'helm marked the release failed, and the next reconcile takes it from there'
      : 'a release it was changing may be left pending until it is recovered';
    return new HelmCancelledError(`${what} was cancelled before it finished (the controller is stopping or the work was aborted); ${left}`, failure);
  }
  if (failure.deadlineExceeded === true) {
    return new HelmTimeoutError(`${what} did not exit in time and was stopped${said ? `: ${said}` : ''}; `
      + 'check that the API server is reachable, or raise the timeout', failure);
  }
  const forbidden = FORBIDDEN.exec(stderr)?.[0];
  if (forbidden !== undefined) {
    const who = failure.impersonating === undefined ? 'capstan' : failure.impersonating;
    return new HelmForbiddenError(`${what} was forbidden by RBAC: ${forbidden}; grant ${who} these permissions with a Role and RoleBinding, `
      + 'or use a service account that has them', failure);
  }
  if (LOCKED.test(stderr)) {
    return new ReleaseLockedError(`${what} found the release locked: another helm operation (install/upgrade/rollback) is in progress, `
      + 'or one was interrupted and left it pending; wait for it to finish, or recover the release from its pending state', failure);
  }
  if (TIMEOUT.test(stderr)) {
    return new HelmTimeoutError(`${what} timed out: ${said}; find out why the resources or hooks do not become ready `
      + '(kubectl describe, events), then fix the values or raise the timeout', failure);
  }
  if (SCHEMA.test(stderr)) {
    return new ValuesSchemaError(`${what} rejected the values: ${said}; correct the values listed so that they meet the chart's values.schema.json`, failure);
  }
  if (RENDER.test(stderr)) {
    return new ChartRenderError(`${what} could not render the chart: ${said}; fix the values (or the chart) so that its templates render `
      + '(helm template reproduces this)', failure);
  }
  if (action === 'test' && TEST_FAILED.test(stderr)) {
    return new HelmTestFailedError(`${what}: a test failed: ${said}; read the test pod's logs to see why`, failure, tests);
  }
  if (EXISTS.test(stderr)) {
    return new ReleaseExistsError(`${what}: a release with this name already exists in the namespace; upgrade it, or choose another release name`, failure);
  }
  const namespace = NAMESPACE_NOT_FOUND.exec(stderr)?.[1];
  if (namespace !== undefined) {
    return new NamespaceNotFoundError(`${what}: namespace ${namespace} does not exist; create it, or let the install create it (createNamespace)`, failure);
  }
  if (NOT_FOUND.test(stderr)) {
    return new ReleaseNotFoundError(`${what}: ${said}; the release is not installed in this namespace (or has no such revision)`, failure);
  }
  const exit = failure.signal === undefined ? `exit code ${String(failure.exitCode)}` : `signal ${failure.signal}`;
  return new HelmError(`${what} failed (${exit})${said ? `: ${said}` : ''}`, failure);
}
