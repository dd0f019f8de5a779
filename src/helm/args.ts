// helm's argument lists, built from typed options without running anything (so they are unit
// tested for both majors). Values always come as a file path, never as --set; nothing secret is
// ever an argument.
import { forceFlags, listAllFlags, waitFlags, type WaitStrategy } from './flags.ts';
import type { HelmMajor } from './version.ts';

/** What the arguments depend on besides the options: the helm major and how helm 4 waits. */
export interface Dialect {
  major: HelmMajor;
  waitStrategy?: WaitStrategy;
}

/** Act as another identity: RBAC then decides what helm may do (delegation to a service account). */
export interface Impersonation {
  /** e.g. system:serviceaccount:<namespace>:<name>; the API server adds the service account groups itself. */
  user: string;
  groups?: string[];
}

export const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/** A Go duration helm's --timeout accepts. */
export function goDuration(ms: number): string {
  const whole = Math.max(1, Math.round(ms));
  return whole % 1000 === 0 ? `${whole / 1000}s` : `${whole}ms`;
}

export function globalArgs(options: { namespace?: string; impersonate?: Impersonation }): string[] {
  const args: string[] = [];
  if (options.namespace !== undefined) args.push('--namespace', options.namespace);
  if (options.impersonate !== undefined) {
    args.push('--kube-as-user', options.impersonate.user);
    for (const group of options.impersonate.groups ?? []) args.push('--kube-as-group', group);
  }
  return args;
}

const flag = (on: boolean | undefined, ...args: string[]): string[] => (on === true ? args : []);
const valued = (name: string, value: string | number | undefined): string[] => (value === undefined ? [] : [name, String(value)]);

interface WaitOptions {
  timeoutMs?: number;
  disableWait?: boolean;
  /** Also wait for Jobs to complete. */
  waitForJobs?: boolean;
}

function waitArgs(dialect: Dialect, options: WaitOptions, jobs = true): string[] {
  return [
    '--timeout', goDuration(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    ...waitFlags(dialect.major, {
      wait: options.disableWait !== true,
      ...(jobs ? { waitForJobs: options.waitForJobs === true } : {}),
      ...(dialect.waitStrategy !== undefined ? { strategy: dialect.waitStrategy } : {}),
    }),
  ];
}

export interface InstallArgs extends WaitOptions {
  releaseName: string;
  /** A local chart package (.tgz). */
  chart: string;
  valuesFile: string;
  disableHooks?: boolean;
  createNamespace?: boolean;
  /** Do not create the CRDs in the chart's crds/ folder (helm only ever creates them on install). */
  skipCrds?: boolean;
  /** Reuse the name of an uninstalled release whose history was kept. */
  replace?: boolean;
  description?: string;
  dryRun?: 'client' | 'server';
}

export function installArgs(dialect: Dialect, o: InstallArgs): string[] {
  return [
    'install', o.releaseName, o.chart,
    '--values', o.valuesFile,
    '--output', 'json',
    ...waitArgs(dialect, o),
    ...flag(o.disableHooks, '--no-hooks'),
    ...flag(o.createNamespace, '--create-namespace'),
    ...flag(o.skipCrds, '--skip-crds'),
    ...flag(o.replace, '--replace'),
    ...valued('--description', o.description),
    ...(o.dryRun !== undefined ? [`--dry-run=${o.dryRun}`] : []),
  ];
}

export interface UpgradeArgs extends WaitOptions {
  releaseName: string;
  chart: string;
  valuesFile: string;
  /**
   * Start from the chart's defaults plus the given values only (default), so nothing of an earlier
   * revision leaks in; false keeps helm's own choice; `reuseValues` merges onto the last revision's.
   */
  resetValues?: boolean;
  reuseValues?: boolean;
  disableHooks?: boolean;
  /** `--history-max`: revisions kept; 0 keeps all. */
  maxHistory?: number;
  force?: boolean;
  cleanupOnFail?: boolean;
  description?: string;
  dryRun?: 'client' | 'server';
}

export function upgradeArgs(dialect: Dialect, o: UpgradeArgs): string[] {
  const values = o.reuseValues === true ? ['--reuse-values'] : o.resetValues === false ? [] : ['--reset-values'];
  return [
    'upgrade', o.releaseName, o.chart,
    '--values', o.valuesFile,
    '--output', 'json',
    ...values,
    ...waitArgs(dialect, o),
    ...valued('--history-max', o.maxHistory),
    ...flag(o.disableHooks, '--no-hooks'),
    ...(o.force === true ? forceFlags(dialect.major) : []),
    ...flag(o.cleanupOnFail, '--cleanup-on-fail'),
    ...valued('--description', o.description),
    ...(o.dryRun !== undefined ? [`--dry-run=${o.dryRun}`] : []),
  ];
}

export interface RollbackArgs extends WaitOptions {
  releaseName: string;
  /** The revision to return to; the previous one when absent. */
  revision?: number;
  disableHooks?: boolean;
  maxHistory?: number;
  force?: boolean;
  cleanupOnFail?: boolean;
}

export function rollbackArgs(dialect: Dialect, o: RollbackArgs): string[] {
  return [
    'rollback', o.releaseName,
    ...(o.revision !== undefined ? [String(o.revision)] : []),
    ...waitArgs(dialect, o),
    ...valued('--history-max', o.maxHistory),
    ...flag(o.disableHooks, '--no-hooks'),
    ...(o.force === true ? forceFlags(dialect.major) : []),
    ...flag(o.cleanupOnFail, '--cleanup-on-fail'),
  ];
}

export type DeletionPropagation = 'background' | 'foreground' | 'orphan';

export interface UninstallArgs extends Omit<WaitOptions, 'waitForJobs'> {
  releaseName: string;
  disableHooks?: boolean;
  keepHistory?: boolean;
  deletionPropagation?: DeletionPropagation;
  description?: string;
}

export function uninstallArgs(dialect: Dialect, o: UninstallArgs): string[] {
  return [
    'uninstall', o.releaseName,
    // helm 4's kstatus wait for deletion can end at the first object seen gone, before the others'
    // watches have reported, then fail the uninstall on one still Terminating (the release is gone
    // by then): helm/helm#31766, #32261. Its `legacy` wait polls each object until it is gone.
    ...waitArgs({ ...dialect, waitStrategy: 'legacy' }, o, false),
    ...flag(o.disableHooks, '--no-hooks'),
    ...flag(o.keepHistory, '--keep-history'),
    ...valued('--cascade', o.deletionPropagation),
    ...valued('--description', o.description),
  ];
}

export interface TestFilter {
  /** A test hook's name. */
  name: string;
  /** Run every test but this one (else: run only the named ones). */
  exclude?: boolean;
}

export interface TestArgs {
  releaseName: string;
  timeoutMs?: number;
  filters?: TestFilter[];
  /** Print the test pods' logs; helm fails the command when it cannot fetch them. */
  logs?: boolean;
}

export function testArgs(o: TestArgs): string[] {
  return [
    'test', o.releaseName,
    '--timeout', goDuration(o.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    ...(o.filters ?? []).flatMap((f) => ['--filter', `${f.exclude === true ? '!' : ''}name=${f.name}`]),
    ...flag(o.logs, '--logs'),
  ];
}

/**
 * Whether `--filter` selects a test, by helm's rule: excluded names never run; when any name is
 * included, only included names run. helm prints the last run of every test hook, also of those
 * it did not run this time, so the results are filtered the same way.
 */
export function testSelected(name: string, filters: TestFilter[] = []): boolean {
  if (filters.some((f) => f.exclude === true && f.name === name)) return false;
  const included = filters.filter((f) => f.exclude !== true);
  return included.length === 0 || included.some((f) => f.name === name);
}

export function historyArgs(o: { releaseName: string; max?: number }): string[] {
  return ['history', o.releaseName, '--output', 'json', ...valued('--max', o.max)];
}

export function statusArgs(o: { releaseName: string; revision?: number }): string[] {
  return ['status', o.releaseName, '--output', 'json', ...valued('--revision', o.revision)];
}

export function getValuesArgs(o: { releaseName: string; revision?: number; all?: boolean }): string[] {
  return ['get', 'values', o.releaseName, '--output', 'json', ...valued('--revision', o.revision), ...flag(o.all, '--all')];
}

export function getManifestArgs(o: { releaseName: string; revision?: number }): string[] {
  return ['get', 'manifest', o.releaseName, ...valued('--revision', o.revision)];
}

export interface TemplateArgs {
  releaseName: string;
  chart: string;
  valuesFile: string;
  includeCrds?: boolean;
  skipTests?: boolean;
  /** Render for this Kubernetes version (.Capabilities.KubeVersion) instead of helm's default. */
  kubeVersion?: string;
  /** Extra API versions for .Capabilities.APIVersions. */
  apiVersions?: string[];
}

export function templateArgs(o: TemplateArgs): string[] {
  return [
    'template', o.releaseName, o.chart,
    '--values', o.valuesFile,
    ...flag(o.includeCrds, '--include-crds'),
    ...flag(o.skipTests, '--skip-tests'),
    ...valued('--kube-version', o.kubeVersion),
    ...(o.apiVersions ?? []).flatMap((v) => ['--api-versions', v]),
  ];
}

export interface ListArgs {
  /** A regular expression on release names (helm's --filter). */
  filter?: string;
  /** A label selector on the release records. */
  selector?: string;
  max?: number;
  allNamespaces?: boolean;
}

export function listArgs(dialect: Dialect, o: ListArgs): string[] {
  return [
    'list', '--output', 'json',
    ...listAllFlags(dialect.major),
    ...flag(o.allNamespaces, '--all-namespaces'),
    ...valued('--filter', o.filter),
    ...valued('--selector', o.selector),
    ...valued('--max', o.max),
  ];
}

export interface PackageArgs {
  /** The chart folder. */
  chart: string;
  destination: string;
  /** Replaces Chart.yaml's version in the package. */
  version?: string;
}

export function packageArgs(o: PackageArgs): string[] {
  return ['package', o.chart, '--destination', o.destination, ...valued('--version', o.version)];
}

export interface DependencyBuildArgs {
  /** The chart folder. */
  chart: string;
  /** A repositories.yaml naming every HTTP(S) repository the dependencies come from: helm refuses a URL it has no entry for. */
  repositoryConfig: string;
  /** Where helm keeps those repositories' indexes. */
  repositoryCache: string;
}

/** Fetches the dependencies Chart.lock pins into the chart's charts/ folder (resolves them first when there is no Chart.lock). */
export function dependencyBuildArgs(o: DependencyBuildArgs): string[] {
  return ['dependency', 'build', o.chart, '--repository-config', o.repositoryConfig, '--repository-cache', o.repositoryCache];
}
