// One typed function per helm command. Each writes the values file when there are values, runs
// helm through `call`, and returns helm's JSON output parsed into capstan's types; failures are
// thrown as the classified errors of errors.ts.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DEFAULT_TIMEOUT_MS, dependencyBuildArgs, getManifestArgs, getValuesArgs, historyArgs, installArgs, listArgs, packageArgs, rollbackArgs, statusArgs,
  templateArgs, testArgs, testSelected, uninstallArgs, upgradeArgs,
  type DependencyBuildArgs, type InstallArgs, type ListArgs, type PackageArgs, type RollbackArgs, type TemplateArgs, type TestArgs, type UninstallArgs, type UpgradeArgs,
} from './args.ts';
import { call, type Helm, type Scope } from './cli.ts';
import { HelmOutputError, type TestRun } from './errors.ts';
import {
  parseHistory, parseList, parseRelease, parseTestRuns, parseValues, type HistoryEntry, type ListEntry, type Release,
} from './output.ts';
import { withValuesFile } from './values-file.ts';

/** One release: its namespace (where helm keeps its history too) and name. */
export interface ReleaseScope extends Scope {
  namespace: string;
  releaseName: string;
}

/** A map (written as JSON) or YAML text written as is (capstan's composed values, see serialiseValues). */
export type Values = Record<string, unknown> | string;

export type InstallOptions = ReleaseScope & Omit<InstallArgs, 'valuesFile'> & { values: Values };
export type UpgradeOptions = ReleaseScope & Omit<UpgradeArgs, 'valuesFile'> & { values: Values };
export type RollbackOptions = ReleaseScope & RollbackArgs;
export type UninstallOptions = ReleaseScope & UninstallArgs;
export type TestOptions = ReleaseScope & TestArgs;
export type TemplateOptions = ReleaseScope & Omit<TemplateArgs, 'valuesFile'> & { values: Values };
export type ListOptions = Scope & ListArgs;

// helm's --timeout bounds each step (pre hooks, the wait, post hooks), not the whole command; the
// wrapper's own deadline only catches a helm that hangs beyond all of them.
const mutatingDeadline = (timeoutMs = DEFAULT_TIMEOUT_MS) => 3 * timeoutMs + 60_000;
const READ_DEADLINE_MS = 2 * 60_000;

const ref = (o: ReleaseScope) => `${o.namespace}/${o.releaseName}`;

/** Installs a new release; helm catches an abort (SIGTERM) and marks the release failed. */
export function install(helm: Helm, o: InstallOptions): Promise<Release> {
  return withValuesFile(o.values, async (valuesFile) => {
    const out = await call(helm, 'install', installArgs(helm.dialect, { ...o, valuesFile }), {
      ...o, release: ref(o), onAbort: 'terminate', deadlineMs: mutatingDeadline(o.timeoutMs),
    });
    return parseRelease('install', out.stdout);
  }, helm.config.tempDir);
}

/** Upgrades a release (with --reset-values unless told otherwise); an abort marks it failed. */
export function upgrade(helm: Helm, o: UpgradeOptions): Promise<Release> {
  return withValuesFile(o.values, async (valuesFile) => {
    const out = await call(helm, 'upgrade', upgradeArgs(helm.dialect, { ...o, valuesFile }), {
      ...o, release: ref(o), onAbort: 'terminate', deadlineMs: mutatingDeadline(o.timeoutMs),
    });
    return parseRelease('upgrade', out.stdout);
  }, helm.config.tempDir);
}

/**
 * Rolls back to a revision (the previous one by default). helm dies on SIGTERM here and would leave
 * the release pending-rollback, so an abort lets it run on for the kill grace period instead.
 */
export async function rollback(helm: Helm, o: RollbackOptions): Promise<void> {
  await call(helm, 'rollback', rollbackArgs(helm.dialect, o), {
    ...o, release: ref(o), onAbort: 'drain', deadlineMs: mutatingDeadline(o.timeoutMs),
  });
}

/** Uninstalls a release; like rollback, it is left to finish when aborted. */
export async function uninstall(helm: Helm, o: UninstallOptions): Promise<void> {
  await call(helm, 'uninstall', uninstallArgs(helm.dialect, o), {
    ...o, release: ref(o), onAbort: 'drain', deadlineMs: mutatingDeadline(o.timeoutMs),
  });
}

/** Runs the release's test hooks; resolves with their runs, or throws HelmTestFailedError with them. */
export async function test(helm: Helm, o: TestOptions): Promise<TestRun[]> {
  const readTests = (stdout: string) => parseTestRuns(stdout).filter((run) => testSelected(run.name, o.filters));
  const out = await call(helm, 'test', testArgs(o), {
    ...o, release: ref(o), onAbort: 'terminate', deadlineMs: mutatingDeadline(o.timeoutMs), readTests,
  });
  return readTests(out.stdout);
}

/** The release's revisions, oldest first (the newest `max` when given). */
export async function history(helm: Helm, o: ReleaseScope & { max?: number }): Promise<HistoryEntry[]> {
  const out = await call(helm, 'history', historyArgs(o), { ...o, release: ref(o), onAbort: 'terminate', deadlineMs: READ_DEADLINE_MS });
  return parseHistory(out.stdout);
}

/**
 * The newest (or given) revision. helm 4 also fetches every live object of the release for this
 * command, so prefer `history` when the status alone is needed.
 */
export async function status(helm: Helm, o: ReleaseScope & { revision?: number }): Promise<Release> {
  const out = await call(helm, 'status', statusArgs(o), { ...o, release: ref(o), onAbort: 'terminate', deadlineMs: READ_DEADLINE_MS });
  return parseRelease('status', out.stdout);
}

/** The values given to a revision (`all`: merged with the chart's defaults). */
export async function getValues(helm: Helm, o: ReleaseScope & { revision?: number; all?: boolean }): Promise<Values> {
  const out = await call(helm, 'get-values', getValuesArgs(o), { ...o, release: ref(o), onAbort: 'terminate', deadlineMs: READ_DEADLINE_MS });
  return parseValues(out.stdout);
}

/** The rendered manifest of a revision, as helm stored it. */
export async function getManifest(helm: Helm, o: ReleaseScope & { revision?: number }): Promise<string> {
  const out = await call(helm, 'get-manifest', getManifestArgs(o), { ...o, release: ref(o), onAbort: 'terminate', deadlineMs: READ_DEADLINE_MS });
  return out.stdout;
}

/** Renders the chart locally (no cluster access) with the given values. */
export function template(helm: Helm, o: TemplateOptions): Promise<string> {
  return withValuesFile(o.values, async (valuesFile) => {
    const out = await call(helm, 'template', templateArgs({ ...o, valuesFile }), {
      ...o, release: ref(o), onAbort: 'terminate', deadlineMs: READ_DEADLINE_MS,
    });
    return out.stdout;
  }, helm.config.tempDir);
}

/** Releases in a namespace (or all namespaces), in every status. */
export async function list(helm: Helm, o: ListOptions): Promise<ListEntry[]> {
  const out = await call(helm, 'list', listArgs(helm.dialect, o), { ...o, onAbort: 'terminate', deadlineMs: READ_DEADLINE_MS });
  return parseList(out.stdout);
}

/** Packages a chart folder into `destination`, an empty folder of the caller's; resolves with the package's path. */
export async function packageChart(helm: Helm, o: Pick<Scope, 'signal'> & PackageArgs): Promise<string> {
  const out = await call(helm, 'package', packageArgs(o), { ...o, onAbort: 'terminate', deadlineMs: READ_DEADLINE_MS });
  const packages = (await readdir(o.destination)).filter((f) => f.endsWith('.tgz'));
  if (packages.length !== 1) throw new HelmOutputError(`helm package left ${String(packages.length)} packages in ${o.destination} instead of one`, { action: 'package', stderr: out.stderr });
  return join(o.destination, packages[0] ?? '');
}

/** Fills a chart folder's charts/ with its dependencies, the versions Chart.lock pins, from the repositories it names. */
export async function dependencyBuild(helm: Helm, o: Pick<Scope, 'signal'> & DependencyBuildArgs): Promise<void> {
  await call(helm, 'dependency-build', dependencyBuildArgs(o), { ...o, onAbort: 'terminate', deadlineMs: READ_DEADLINE_MS });
}
