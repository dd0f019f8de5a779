import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toNotification } from '../../../src/notification/event.ts';
import { fields, summaryLine } from '../../../src/notification/summary.ts';
import { recorded, ROLLBACK } from './fixtures.ts';

const line = (overrides: Parameters<typeof recorded>[0]) => summaryLine(toNotification(recorded(overrides), 'capstan'));
const facts = { release: 'apps/web', chart: 'app' };

describe('summary line', () => {
  it('says what a rollback did, why, and where the release is now', () => {
    assert.equal(summaryLine(toNotification(ROLLBACK, 'capstan')),
      'Rolled back apps/web: upgrade app 2.0.0 → 2.1.0 failed (Deployment apps/web not ready: 0/1 replicas available); now at revision 5 (app 2.0.0)');
  });

  const cases: [string, Parameters<typeof recorded>[0], string][] = [
    ['install', { reason: 'InstallSucceeded', metadata: { ...facts, toVersion: '1.0.0', toRevision: '1' } }, 'Installed apps/web: app 1.0.0 at revision 1'],
    ['upgrade', { reason: 'UpgradeSucceeded', metadata: { ...facts, fromVersion: '1.0.0', toVersion: '2.0.0', fromRevision: '1', toRevision: '2' } }, 'Upgraded apps/web: app 1.0.0 → 2.0.0; now at revision 2'],
    ['upgrade with tests', { reason: 'UpgradeSucceeded', metadata: { ...facts, fromVersion: '1.0.0', toVersion: '2.0.0', toRevision: '2', testResults: 'a=Succeeded,b=Succeeded' } }, 'Upgraded apps/web: app 1.0.0 → 2.0.0; now at revision 2; tests passed (2)'],
    ['failed tests', { type: 'Warning', reason: 'TestFailed', note: 'tests of apps/web failed', metadata: { ...facts, toRevision: '2', testResults: 'a=Succeeded,b=Failed' } }, 'TestFailed helmrelease/apps/web: tests of apps/web failed; tests failed: b'],
    ['rollback without a known cause', { type: 'Warning', reason: 'RollbackSucceeded', note: 'rolled back', metadata: { ...facts, fromVersion: '2.1.0', toVersion: '2.0.0', toRevision: '5' } }, 'Rolled back apps/web: upgrade app 2.0.0 → 2.1.0 failed; now at revision 5 (app 2.0.0)'],
    ['failed upgrade, cause from the message', {
      type: 'Warning', reason: 'UpgradeFailed', note: 'upgrade of apps/web with app@2.1.0 failed: context deadline exceeded\nstderr…',
      metadata: { ...facts, fromVersion: '2.0.0', toVersion: '2.1.0' },
    }, 'Upgrade of apps/web failed: app 2.0.0 → 2.1.0 (context deadline exceeded)'],
    ['failed install', { type: 'Warning', reason: 'InstallFailed', note: 'install failed', metadata: { ...facts, toVersion: '1.0.0', cause: 'chart requires kubeVersion >=1.40' } }, 'Install of apps/web failed: app 1.0.0 (chart requires kubeVersion >=1.40)'],
    ['uninstall after a failure', { type: 'Warning', reason: 'UninstallSucceeded', note: 'uninstalled', metadata: { ...facts, cause: 'hook failed' } }, 'Uninstalled apps/web after a failure (hook failed)'],
    ['any other event', { kind: 'HelmRepository', name: 'charts', reason: 'NewArtifact', note: 'fetched index revision sha256:1\nmore' }, 'NewArtifact helmrepository/apps/charts: fetched index revision sha256:1'],
    ['release facts missing', { reason: 'UpgradeSucceeded', metadata: {} }, 'UpgradeSucceeded helmrelease/apps/web: upgraded apps/web revision 4 with app@2.0.0'],
  ];
  for (const [name, event, expected] of cases) it(name, () => { assert.equal(line(event), expected); });
});

describe('fields', () => {
  it('lists release, chart, versions, revisions and cause, then the other metadata; never the values digest', () => {
    const alertMetadata = { cluster: 'prod' };
    assert.deepEqual(fields(toNotification(ROLLBACK, 'capstan', alertMetadata)), [
      { title: 'Release', value: 'apps/web' },
      { title: 'Chart', value: 'app' },
      { title: 'Version', value: '2.1.0 → 2.0.0' },
      { title: 'Revision', value: '4 → 5' },
      { title: 'Cause', value: 'Deployment apps/web not ready: 0/1 replicas available' },
      { title: 'cluster', value: 'prod' },
    ]);
  });
});
