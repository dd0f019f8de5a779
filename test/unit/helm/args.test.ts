// helm's command lines, built for helm 3 and helm 4 from typed options: every flag is one that
// binary documents for that command, values travel as a file, nothing secret is an argument.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  dependencyBuildArgs, getManifestArgs, getValuesArgs, globalArgs, goDuration, historyArgs, installArgs, listArgs, packageArgs, rollbackArgs, statusArgs,
  templateArgs, testArgs, testSelected, uninstallArgs, upgradeArgs, type Dialect,
} from '../../../src/helm/args.ts';
import { forceFlags, listAllFlags, waitFlags } from '../../../src/helm/flags.ts';
import { run } from '../../support/run.ts';
import { HELM_MAJORS } from '../../support/paths.ts';

const helm3: Dialect = { major: 3 };
const helm4: Dialect = { major: 4 };

describe('flags', () => {
  it('waits with a switch on helm 3 and with a strategy on helm 4 (watcher unless told)', () => {
    assert.deepEqual(waitFlags(3, { wait: true }), ['--wait']);
    assert.deepEqual(waitFlags(4, { wait: true }), ['--wait=watcher']);
    assert.deepEqual(waitFlags(4, { wait: true, strategy: 'legacy' }), ['--wait=legacy']);
    assert.deepEqual(waitFlags(3, { wait: true, waitForJobs: true }), ['--wait', '--wait-for-jobs']);
  });

  it('says explicitly that helm 4 waits for hooks only when waiting is disabled', () => {
    assert.deepEqual(waitFlags(3, { wait: false, waitForJobs: true }), []);
    assert.deepEqual(waitFlags(4, { wait: false }), ['--wait=hookOnly']);
  });

  it('forces with --force on helm 3 and with a client-side --force-replace on helm 4', () => {
    assert.deepEqual(forceFlags(3), ['--force']);
    assert.deepEqual(forceFlags(4), ['--force-replace', '--server-side=false']);
  });

  it('lists every status with --all on helm 3 only', () => {
    assert.deepEqual(listAllFlags(3), ['--all']);
    assert.deepEqual(listAllFlags(4), []);
  });
});

describe('goDuration', () => {
  it('writes whole seconds as seconds and anything else as milliseconds', () => {
    assert.equal(goDuration(60_000), '60s');
    assert.equal(goDuration(1500), '1500ms');
    assert.equal(goDuration(0), '1ms');
  });
});

describe('arguments', () => {
  it('installs from a local package with the values file, JSON output and a wait', () => {
    assert.deepEqual(installArgs(helm3, { releaseName: 'web', chart: '/c/app-1.0.0.tgz', valuesFile: '/t/values.yaml', timeoutMs: 90_000 }), [
      'install', 'web', '/c/app-1.0.0.tgz', '--values', '/t/values.yaml', '--output', 'json', '--timeout', '90s', '--wait',
    ]);
  });

  it('passes every install option', () => {
    const args = installArgs(helm4, {
      releaseName: 'web', chart: '/c.tgz', valuesFile: '/v', disableWait: true, disableHooks: true, createNamespace: true,
      skipCrds: true, replace: true, description: 'by capstan', dryRun: 'server',
    });
    assert.deepEqual(args.slice(5), [
      '--output', 'json', '--timeout', '300s', '--wait=hookOnly', '--no-hooks', '--create-namespace', '--skip-crds', '--replace',
      '--description', 'by capstan', '--dry-run=server',
    ]);
  });

  it('upgrades with --reset-values by default, so nothing of an earlier revision leaks in', () => {
    const base = { releaseName: 'web', chart: '/c.tgz', valuesFile: '/v' };
    assert.ok(upgradeArgs(helm3, base).includes('--reset-values'));
    assert.ok(upgradeArgs(helm3, { ...base, reuseValues: true }).includes('--reuse-values'));
    assert.ok(!upgradeArgs(helm3, { ...base, resetValues: false }).some((a) => a.startsWith('--re')));
  });

  it('passes every upgrade option, forcing the helm 4 way on helm 4', () => {
    const o = { releaseName: 'web', chart: '/c.tgz', valuesFile: '/v', timeoutMs: 5000, waitForJobs: true, maxHistory: 5, disableHooks: true, force: true, cleanupOnFail: true };
    assert.deepEqual(upgradeArgs(helm3, o), [
      'upgrade', 'web', '/c.tgz', '--values', '/v', '--output', 'json', '--reset-values', '--timeout', '5s', '--wait', '--wait-for-jobs',
      '--history-max', '5', '--no-hooks', '--force', '--cleanup-on-fail',
    ]);
    assert.deepEqual(upgradeArgs({ major: 4, waitStrategy: 'legacy' }, o), [
      'upgrade', 'web', '/c.tgz', '--values', '/v', '--output', 'json', '--reset-values', '--timeout', '5s', '--wait=legacy', '--wait-for-jobs',
      '--history-max', '5', '--no-hooks', '--force-replace', '--server-side=false', '--cleanup-on-fail',
    ]);
  });

  it('rolls back to the previous revision unless one is named', () => {
    assert.deepEqual(rollbackArgs(helm3, { releaseName: 'web' }), ['rollback', 'web', '--timeout', '300s', '--wait']);
    assert.deepEqual(rollbackArgs(helm4, { releaseName: 'web', revision: 2, maxHistory: 0, force: true, cleanupOnFail: true, disableWait: true }), [
      'rollback', 'web', '2', '--timeout', '300s', '--wait=hookOnly', '--history-max', '0', '--force-replace', '--server-side=false', '--cleanup-on-fail',
    ]);
  });

  it('uninstalls with the deletion propagation and history choices', () => {
    assert.deepEqual(uninstallArgs(helm3, { releaseName: 'web', keepHistory: true, deletionPropagation: 'foreground', disableHooks: true }), [
      'uninstall', 'web', '--timeout', '300s', '--wait', '--no-hooks', '--keep-history', '--cascade', 'foreground',
    ]);
  });

  it('waits for deletion with helm 4\'s legacy polling whatever the strategy, as its watcher can end early', () => {
    assert.deepEqual(uninstallArgs({ major: 4, waitStrategy: 'watcher' }, { releaseName: 'web' }), ['uninstall', 'web', '--timeout', '300s', '--wait=legacy']);
    assert.deepEqual(uninstallArgs(helm4, { releaseName: 'web', disableWait: true }), ['uninstall', 'web', '--timeout', '300s', '--wait=hookOnly']);
  });

  it('tests with include and exclude filters', () => {
    assert.deepEqual(testArgs({ releaseName: 'web', timeoutMs: 60_000, filters: [{ name: 'a' }, { name: 'b', exclude: true }] }), [
      'test', 'web', '--timeout', '60s', '--filter', 'name=a', '--filter', '!name=b',
    ]);
  });

  it('selects tests as helm\'s --filter does: excluded never, included only when any are named', () => {
    assert.ok(testSelected('a'));
    assert.ok(!testSelected('a', [{ name: 'a', exclude: true }]));
    assert.ok(testSelected('b', [{ name: 'a', exclude: true }]));
    assert.ok(!testSelected('b', [{ name: 'a' }]));
    assert.ok(!testSelected('a', [{ name: 'a' }, { name: 'a', exclude: true }]));
  });

  it('reads history, status, values and manifest as JSON where helm has it', () => {
    assert.deepEqual(historyArgs({ releaseName: 'web', max: 3 }), ['history', 'web', '--output', 'json', '--max', '3']);
    assert.deepEqual(statusArgs({ releaseName: 'web' }), ['status', 'web', '--output', 'json']);
    assert.deepEqual(getValuesArgs({ releaseName: 'web', revision: 2, all: true }), ['get', 'values', 'web', '--output', 'json', '--revision', '2', '--all']);
    assert.deepEqual(getManifestArgs({ releaseName: 'web' }), ['get', 'manifest', 'web']);
  });

  it('lists every status on both majors', () => {
    assert.deepEqual(listArgs(helm3, { filter: '^web$' }), ['list', '--output', 'json', '--all', '--filter', '^web$']);
    assert.deepEqual(listArgs(helm4, { allNamespaces: true }), ['list', '--output', 'json', '--all-namespaces']);
  });

  it('scopes to a namespace and impersonates a user and groups', () => {
    assert.deepEqual(globalArgs({ namespace: 'team-a', impersonate: { user: 'system:serviceaccount:team-a:deployer', groups: ['g1', 'g2'] } }), [
      '--namespace', 'team-a', '--kube-as-user', 'system:serviceaccount:team-a:deployer', '--kube-as-group', 'g1', '--kube-as-group', 'g2',
    ]);
  });
});

// Everything each builder can emit, to hold against the binary's own --help.
function everyFlag(dialect: Dialect): [string[], string[]][] {
  const chart = { releaseName: 'r', chart: '/c.tgz', valuesFile: '/v', description: 'd', dryRun: 'client' as const };
  const waits = { timeoutMs: 1000, waitForJobs: true, disableHooks: true, maxHistory: 1, force: true, cleanupOnFail: true };
  return [
    [['install'], installArgs(dialect, { ...chart, ...waits, createNamespace: true, skipCrds: true, replace: true })],
    [['upgrade'], upgradeArgs(dialect, { ...chart, ...waits })],
    [['upgrade'], upgradeArgs(dialect, { ...chart, reuseValues: true })],
    [['rollback'], rollbackArgs(dialect, { releaseName: 'r', revision: 1, ...waits })],
    [['uninstall'], uninstallArgs(dialect, { releaseName: 'r', timeoutMs: 1, disableHooks: true, keepHistory: true, deletionPropagation: 'orphan', description: 'd' })],
    [['test'], testArgs({ releaseName: 'r', timeoutMs: 1, filters: [{ name: 'a' }], logs: true })],
    [['history'], historyArgs({ releaseName: 'r', max: 1 })],
    [['status'], statusArgs({ releaseName: 'r', revision: 1 })],
    [['get', 'values'], getValuesArgs({ releaseName: 'r', revision: 1, all: true })],
    [['get', 'manifest'], getManifestArgs({ releaseName: 'r', revision: 1 })],
    [['template'], templateArgs({ ...chart, includeCrds: true, skipTests: true, kubeVersion: '1.34.0', apiVersions: ['x/v1'] })],
    [['list'], listArgs(dialect, { filter: 'x', selector: 'a=b', max: 1, allNamespaces: true })],
    [['list'], [...globalArgs({ namespace: 'n', impersonate: { user: 'u', groups: ['g'] } })]],
    [['package'], packageArgs({ chart: 'c', destination: 'd', version: '1.0.0+abc' })],
    [['dependency', 'build'], dependencyBuildArgs({ chart: 'c', repositoryConfig: 'r', repositoryCache: 'rc' })],
  ];
}

for (const major of HELM_MAJORS) {
  describe(`${major.name} documents every flag the wrapper passes`, () => {
    const dialect: Dialect = { major: major.name === 'helm 3' ? 3 : 4 };
    for (const [command, args] of everyFlag(dialect)) {
      it(`helm ${command.join(' ')}`, async () => {
        const { stdout } = await run(major.binary, [...command, '--help']);
        const flags = args.filter((a) => a.startsWith('--')).map((a) => a.split('=')[0] ?? a);
        for (const name of flags) assert.match(stdout, new RegExp(`\\s${name} `), `${major.name} ${command.join(' ')} has no ${name}`);
      });
    }
  });
}
