// The CLI's pure parts: kind names, AGE, the get row, export's default stripping, event selection
// and the Kubernetes version check.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KINDS } from '../../../src/api/kinds.ts';
import { checkKubernetesVersion } from '../../../src/cli/commands/check.ts';
import { selectEvents } from '../../../src/cli/commands/events.ts';
import { exportable, withoutDefaults } from '../../../src/cli/commands/export.ts';
import { UsageError } from '../../../src/cli/errors.ts';
import { kindAndName, kindFromArg } from '../../../src/cli/kinds.ts';
import { humanDuration, summarise } from '../../../src/cli/summary.ts';

describe('kind names', () => {
  it('accepts what kubectl accepts: short name, singular, plural, kind, in any case', () => {
    for (const name of ['hr', 'helmrelease', 'HelmReleases', 'HelmRelease', 'HR']) assert.equal(kindFromArg(name), 'HelmRelease');
    assert.equal(kindFromArg('hrepo'), 'HelmRepository');
    assert.equal(kindFromArg('alerts'), 'Alert');
    assert.deepEqual(kindAndName('ks/apps'), { kind: 'Kustomization', name: 'apps' });
  });

  it('names the choices when the kind is unknown or not allowed there', () => {
    assert.throws(() => kindFromArg('helmchart'), (err: unknown) => err instanceof UsageError && /unknown kind "helmchart": use one of hrepo, gitrepo, hr, ks/.test(err.message));
    assert.throws(() => kindFromArg('providers', ['HelmRelease']), /unknown kind "providers": use one of hr$/);
    assert.throws(() => kindAndName('hr/'), /"hr\/" is not KIND\/NAME/);
  });
});

describe('AGE', () => {
  it('is precise when recent and coarser as it grows, as kubectl prints it', () => {
    const s = 1000;
    const cases: [number, string][] = [
      [0, '0s'], [95 * s, '95s'], [330 * s, '5m30s'], [600 * s, '10m'], [45 * 60 * s, '45m'], [(5 * 3600 + 1800) * s, '5h30m'],
      [40 * 3600 * s, '40h'], [(3 * 86400 + 4 * 3600) * s, '3d4h'], [45 * 86400 * s, '45d'], [3 * 365 * 86400 * s, '3y'], [-5 * s, '0s'],
    ];
    for (const [ms, text] of cases) assert.equal(humanDuration(ms), text, String(ms));
  });
});

describe('get rows', () => {
  const now = Date.parse('2026-01-01T00:10:00Z');
  it('shows chart@version, suspension and the Ready condition of a HelmRelease', () => {
    const row = summarise('HelmRelease', {
      metadata: { name: 'web', namespace: 'apps', creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: { suspend: true },
      status: { conditions: [{ type: 'Ready', status: 'False', message: 'upgrade failed' }], history: [{ chartName: 'app', chartVersion: '2.0.0', version: 3 }] },
    } as never, now);
    assert.deepEqual(row, { namespace: 'apps', name: 'web', revision: 'app@2.0.0', suspended: 'True', ready: 'False', message: 'upgrade failed', age: '10m' });
  });

  it('shows the artifact of a source and Unknown before the first reconcile', () => {
    const row = summarise('HelmRepository', { metadata: { name: 'repo', creationTimestamp: '2026-01-01T00:09:00Z' }, status: { artifact: { revision: 'sha256:abc' } } } as never, now);
    assert.deepEqual([row.revision, row.ready, row.message, row.age], ['sha256:abc', 'Unknown', 'waiting to be reconciled', '60s']);
  });
});

describe('export', () => {
  it('drops fields equal to the schema default, and objects left empty by that', () => {
    const spec = {
      interval: '10m', timeout: '5m', maxHistory: 7, suspend: false, values: { a: null, b: [] },
      chart: { spec: { chart: 'app', version: '*', sourceRef: { kind: 'HelmRepository', name: 'repo' } } },
      upgrade: { remediation: { retries: 0 } },
    };
    assert.deepEqual(withoutDefaults(spec, KINDS.HelmRelease.spec), {
      maxHistory: 7, values: { a: null, b: [] }, chart: { spec: { chart: 'app', sourceRef: { kind: 'HelmRepository', name: 'repo' } } },
    });
  });

  it('keeps name, namespace, labels and the user\'s annotations, nothing the server or capstan set', () => {
    const out = exportable('HelmRepository', {
      apiVersion: 'source.capstan.dev/v1', kind: 'HelmRepository',
      metadata: {
        name: 'repo', namespace: 'apps', uid: 'u', resourceVersion: '9', generation: 2, creationTimestamp: 'now', finalizers: ['x'], labels: { team: 'a' },
        annotations: { 'reconcile.capstan.dev/requestedAt': 't', 'kubectl.kubernetes.io/last-applied-configuration': '{}', note: 'keep' },
      },
      spec: { url: 'https://charts.example.com' },
      status: { conditions: [] },
    } as never);
    assert.deepEqual(out, {
      apiVersion: 'source.capstan.dev/v1', kind: 'HelmRepository',
      metadata: { name: 'repo', namespace: 'apps', labels: { team: 'a' }, annotations: { note: 'keep' } },
      spec: { url: 'https://charts.example.com' },
    });
  });
});

describe('events', () => {
  const event = (kind: string, name: string, time: string, reason: string) =>
    ({ metadata: { name: `${name}.${reason}` }, regarding: { kind, name }, reason, eventTime: time });
  it('keeps capstan objects\' events (or one object\'s), oldest first', () => {
    const events = [
      event('HelmRelease', 'web', '2026-01-01T00:02:00Z', 'UpgradeSucceeded'),
      event('Pod', 'web-1', '2026-01-01T00:01:30Z', 'Scheduled'),
      event('HelmRelease', 'web', '2026-01-01T00:01:00Z', 'InstallSucceeded'),
      event('HelmRepository', 'repo', '2026-01-01T00:00:00Z', 'NewArtifact'),
    ];
    assert.deepEqual(selectEvents(events, undefined).map((e) => e.reason), ['NewArtifact', 'InstallSucceeded', 'UpgradeSucceeded']);
    assert.deepEqual(selectEvents(events, { kind: 'HelmRelease', name: 'web' }).map((e) => e.reason), ['InstallSucceeded', 'UpgradeSucceeded']);
  });
});

describe('check', () => {
  it('accepts Kubernetes 1.28 and later, and says what to do otherwise', () => {
    assert.deepEqual(checkKubernetesVersion('v1.34.4'), { ok: true, text: 'Kubernetes v1.34.4 (>= 1.28)' });
    assert.deepEqual(checkKubernetesVersion('v1.27.9+k3s1'), { ok: false, text: 'Kubernetes v1.27.9+k3s1 is older than 1.28: upgrade the cluster' });
    assert.equal(checkKubernetesVersion('v2.0.0').ok, true);
  });
});
