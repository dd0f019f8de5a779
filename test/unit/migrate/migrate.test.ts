// capstan migrate's conversion (pure): Helm Operator and Flux v2 objects in, capstan objects and
// the list of what could not be carried over out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gitUrl } from '../../../src/migrate/helm-operator.ts';
import { migrate, UnsupportedObjectError, type InputObject } from '../../../src/migrate/migrate.ts';
import { nameFromUrl } from '../../../src/migrate/sources.ts';

const operator = (name: string, spec: Record<string, unknown>, namespace = 'apps'): InputObject =>
  ({ apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { name, namespace }, spec });

describe('Helm Operator HelmReleases', () => {
  it('keep the release name the operator gave (<namespace>-<name>) and get one HelmRepository per URL', () => {
    const { objects, findings } = migrate([
      operator('web', { chart: { repository: 'https://charts.example.com/', name: 'app', version: '1.0.0' }, values: { a: 1 }, wait: true }),
      operator('api', { releaseName: 'api-prod', targetNamespace: 'prod', chart: { repository: 'https://charts.example.com', name: 'app', version: '2.0.0' }, maxHistory: 3 }),
    ]);
    assert.deepEqual(findings.list, []);
    assert.deepEqual(objects.map((o) => `${o.kind}/${o.metadata.name}`), ['HelmRepository/charts-example-com', 'HelmRelease/web', 'HelmRelease/api']);
    assert.deepEqual(objects[0]?.spec, { url: 'https://charts.example.com', interval: '10m' });
    assert.deepEqual(objects[1]?.spec, {
      releaseName: 'apps-web', interval: '10m', maxHistory: 10, values: { a: 1 },
      chart: { spec: { chart: 'app', version: '1.0.0', sourceRef: { kind: 'HelmRepository', name: 'charts-example-com' } } },
    });
    assert.deepEqual(objects[2]?.spec, {
      releaseName: 'api-prod', targetNamespace: 'prod', interval: '10m', maxHistory: 3,
      chart: { spec: { chart: 'app', version: '2.0.0', sourceRef: { kind: 'HelmRepository', name: 'charts-example-com' } } },
      install: { disableWait: true }, upgrade: { disableWait: true },
    });
  });

  it('map rollback, test, timeouts, forceUpgrade, skipCRDs and valuesFrom references', () => {
    const { objects, findings } = migrate([operator('web', {
      chart: { repository: 'https://c.example.com', name: 'app', version: '1.0.0' }, timeout: 120, wait: true, forceUpgrade: true, skipCRDs: true,
      rollback: { enable: true, retry: true, maxRetries: 2, timeout: 60, wait: true, force: true },
      test: { enable: true, ignoreFailures: true, timeout: 30 },
      valuesFrom: [{ configMapKeyRef: { name: 'cm', key: 'v.yaml', optional: true } }, { secretKeyRef: { name: 's' } }],
    })]);
    assert.deepEqual(findings.list, []);
    const spec = objects[1]?.spec as Record<string, unknown>;
    assert.deepEqual([spec.timeout, spec.install, spec.upgrade, spec.rollback, spec.test, spec.valuesFrom], [
      '120s', { crds: 'Skip' }, { force: true, remediation: { strategy: 'rollback', retries: 2, remediateLastFailure: true } },
      { force: true, timeout: '60s' }, { enable: true, ignoreFailures: true, timeout: '30s' },
      [{ kind: 'ConfigMap', name: 'cm', valuesKey: 'v.yaml', optional: true }, { kind: 'Secret', name: 's' }],
    ]);
  });

  it('report what capstan cannot express, naming the object, the field and the fix', () => {
    const { objects, findings } = migrate([operator('web', {
      helmVersion: 'v2',
      chart: { git: 'git@github.com:org/charts', ref: 'main', path: 'charts/web', skipDepUpdate: true },
      valuesFrom: [{ externalSourceRef: { url: 'https://x' } }, { chartFileRef: { path: 'prod.yaml' } }, { secretKeyRef: { name: 's', namespace: 'other' } }],
      rollback: { enable: true, recreate: true },
    })]);
    assert.deepEqual(findings.list.map((f) => `${f.field} ${f.change}`), [
      'spec.helmVersion dropped', 'spec.chart.git changed', 'spec.chart.skipDepUpdate dropped', 'spec.rollback.recreate dropped',
      'spec.valuesFrom[0].externalSourceRef dropped', 'spec.valuesFrom[1].chartFileRef dropped', 'spec.valuesFrom[2].secretKeyRef.namespace dropped',
    ]);
    assert.match(findings.format(), /^HelmRelease apps\/web \(helm\.fluxcd\.io\/v1\): spec\.helmVersion dropped: a helm v2 release cannot be adopted/);
    assert.deepEqual(objects[0], {
      apiVersion: 'source.capstan.dev/v1', kind: 'GitRepository', metadata: { name: 'github-com-org-charts-main', namespace: 'apps' },
      spec: { url: 'ssh://git@github.com/org/charts', interval: '5m', ref: { branch: 'main' } },
    });
    assert.deepEqual((objects[1]?.spec as { chart: unknown }).chart, { spec: { chart: 'charts/web', sourceRef: { kind: 'GitRepository', name: 'github-com-org-charts-main' } } });
  });
});

describe('Flux v2 objects', () => {
  it('keep the fields capstan shares and report the others; a source name taken by the input is not reused', () => {
    const { objects, findings } = migrate([
      { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'api', namespace: 'apps' }, spec: {
        interval: '5m', chart: { spec: { chart: 'podinfo', version: '6.x', sourceRef: { kind: 'HelmRepository', name: 'podinfo' }, valuesFiles: ['a.yaml'] } },
        upgrade: { remediation: { retries: 2, strategy: 'rollback' } }, postRenderers: [{}], storageNamespace: 'flux-system',
      } },
      { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { name: 'podinfo', namespace: 'apps' }, spec: { url: 'https://p.example.com', interval: '1h', provider: 'generic' } },
      { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'from-chart', namespace: 'apps' }, spec: { chart: { spec: { chart: 'x', sourceRef: { kind: 'HelmChart', name: 'x' } } } } },
    ]);
    assert.deepEqual(findings.list.map((f) => `${f.object}: ${f.field} ${f.change}`), [
      'HelmRelease apps/api (helm.toolkit.fluxcd.io/v2): spec.chart.spec.valuesFiles dropped',
      'HelmRelease apps/api (helm.toolkit.fluxcd.io/v2): spec.postRenderers dropped',
      'HelmRelease apps/api (helm.toolkit.fluxcd.io/v2): spec.storageNamespace dropped',
      'HelmRelease apps/api (helm.toolkit.fluxcd.io/v2): spec.storageNamespace changed',
      'HelmRepository apps/podinfo (source.toolkit.fluxcd.io/v1): spec.provider dropped',
      'HelmRelease apps/from-chart (helm.toolkit.fluxcd.io/v2): spec.chart.spec.sourceRef.kind dropped',
      'HelmRelease apps/from-chart (helm.toolkit.fluxcd.io/v2): spec.chart dropped',
    ]);
    assert.deepEqual(objects.map((o) => `${o.apiVersion} ${o.kind}/${o.metadata.name}`), ['helm.capstan.dev/v1 HelmRelease/api', 'source.capstan.dev/v1 HelmRepository/podinfo']);
    assert.deepEqual(objects[0]?.spec, { interval: '5m', chart: { spec: { chart: 'podinfo', version: '6.x', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } } }, upgrade: { remediation: { retries: 2, strategy: 'rollback' } } });
  });

  it('refuses objects of other kinds, naming them and what it reads', () => {
    assert.throws(() => migrate([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'a' } }]),
      (err: unknown) => err instanceof UnsupportedObjectError && /^ConfigMap a\/x \(v1\) is not an object capstan migrate reads: give it helm\.fluxcd\.io\/v1 HelmRelease, /.test(err.message));
  });
});

describe('source names', () => {
  it('come from the URL, DNS-1123 and at most 63 characters', () => {
    assert.equal(nameFromUrl('https://Charts.Example.com/stable/'), 'charts-example-com-stable');
    assert.equal(nameFromUrl('ssh://git@github.com/org/repo.git'), 'github-com-org-repo');
    assert.equal(nameFromUrl(`https://${'a'.repeat(80)}.com`).length, 63);
    assert.equal(gitUrl('git@github.com:org/repo'), 'ssh://git@github.com/org/repo');
    assert.equal(gitUrl('https://github.com/org/repo'), 'https://github.com/org/repo');
  });
});
