// The one place that knows how helm 3 and helm 4 spell the same thing. Each difference below was
// checked against `helm3 <cmd> --help` / `helm4 <cmd> --help` (3.17.3 and 4.1.4) and by running it:
//
// | what                          | helm 3                         | helm 4                                                  |
// |-------------------------------|--------------------------------|---------------------------------------------------------|
// | wait for resources            | `--wait` (a switch)            | `--wait=watcher|legacy|hookOnly`; bare `--wait` is       |
// |                               |                                | `watcher` (kstatus), the default is `hookOnly`           |
// | replace resources by force    | `--force`                      | `--force-replace` (`--force` deprecated), refused under  |
// |                               |                                | server-side apply (see forceFlags)                       |
// | roll back a failed operation  | `--atomic`                     | `--rollback-on-failure` (`--atomic` deprecated); capstan |
// |                               |                                | remediates itself and uses neither                       |
// | dry run of install/upgrade    | `--dry-run=client|server`      | same; a bare `--dry-run` is deprecated                    |
// | list every status             | `--all` (default: deployed and | every status by default; `--all` is an unknown flag      |
// |                               | failed only)                   |                                                          |
// | apply method                  | client-side (three-way merge)  | server-side apply (`--server-side`, upgrade default      |
// |                               |                                | `auto`: as the previous revision)                        |
// | `status -o json`              | release only                   | also every live object (`info.resources`), fetched from  |
// |                               |                                | the API server: much larger and slower                   |
// | `rollback --recreate-pods`, `test --hide-notes` | exist        | removed                                                  |
//
// The same in both: --timeout, --wait-for-jobs, --history-max, --reset-values/--reuse-values,
// --cleanup-on-fail, --no-hooks, --skip-crds, --create-namespace, --replace, --description,
// --cascade, --keep-history, test --filter/--logs, --kube-as-user/--kube-as-group, -o json.
import type { HelmMajor } from './version.ts';

/** How helm 4 waits: kstatus `watcher` (its default for --wait) or helm 3's `legacy` checks. */
export type WaitStrategy = 'watcher' | 'legacy';

export interface WaitChoice {
  wait: boolean;
  /** Also wait for Jobs to complete (install, upgrade, rollback only). */
  waitForJobs?: boolean;
  strategy?: WaitStrategy;
}

export function waitFlags(major: HelmMajor, choice: WaitChoice): string[] {
  if (!choice.wait) return major === 3 ? [] : ['--wait=hookOnly'];
  const wait = major === 3 ? '--wait' : `--wait=${choice.strategy ?? 'watcher'}`;
  return choice.waitForJobs === true ? [wait, '--wait-for-jobs'] : [wait];
}

/**
 * Replace resources that cannot be patched. helm 4 refuses to force-replace under server-side
 * apply ("cannot use server-side apply and force replace together") and, worse, records that
 * refusal as a failed revision, so a forced upgrade or rollback goes client-side.
 */
export function forceFlags(major: HelmMajor): string[] {
  return major === 3 ? ['--force'] : ['--force-replace', '--server-side=false'];
}

/** `helm list` of releases in every status (pending, uninstalling, superseded, …). */
export function listAllFlags(major: HelmMajor): string[] {
  return major === 3 ? ['--all'] : [];
}
