// `capstan migrate` end to end: releases installed as the Helm Operator and Flux named them are
// adopted by the migrated HelmReleases — no new revision when nothing changes, exactly one when a
// value does — from files and from the cluster.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { capstan } from '../../support/capstan-cli.ts';
import { fixtureChartFiles } from '../../support/fixture-chart-files.ts';
import { createRepository, startGitServer } from '../../support/git-server.ts';
import { fixtureChart } from '../../support/helm.ts';
import { condition, isReady, useHelmReleaseSuite } from '../../support/helmrelease.ts';
import { useControllers } from '../../support/in-process-controller.ts';
import { kubectl } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { HELM_MAJORS } from '../../support/paths.ts';

const major = HELM_MAJORS[1];
// Just enough of the Helm Operator's CRD for objects of that kind to exist in the cluster.
const OPERATOR_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'helmreleases.helm.fluxcd.io' },
  spec: {
    group: 'helm.fluxcd.io', scope: 'Namespaced', names: { kind: 'HelmRelease', plural: 'helmreleases', singular: 'helmrelease', listKind: 'HelmReleaseList' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
};

describe('capstan migrate', () => {
  const namespace = useNamespace('migrate');
  const running = useControllers(namespace, { helm: major });
  const suite = useHelmReleaseSuite(namespace, running, major);
  let url = '';
  before(async () => {
    url = (await kubectl(['get', 'hrepo', 'fixtures', '-n', namespace.name, '-o', 'jsonpath={.spec.url}'])).stdout;
    await kubectl(['apply', '-f', '-'], { input: JSON.stringify(OPERATOR_CRD) });
    await kubectl(['wait', '--for=condition=Established', 'crd/helmreleases.helm.fluxcd.io', '--timeout=60s']);
  });
  after(async () => { await kubectl(['delete', 'crd', 'helmreleases.helm.fluxcd.io', '--ignore-not-found', '--wait=false'], { check: false }); });

  const operatorObject = (name: string, greeting: string) => ({
    apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { name, namespace: namespace.name },
    spec: { chart: { repository: `${url}/`, name: 'app', version: '1.0.0' }, values: { config: { greeting } }, wait: true },
  });
  const migrateAndApply = async (args: string[], input?: string) => {
    const migrated = await capstan(['migrate', ...args], input === undefined ? {} : { input });
    assert.equal(migrated.exitCode, 0, migrated.stderr);
    await kubectl(['apply', '-f', '-'], { input: migrated.stdout });
    return migrated;
  };
  const historyOf = async (release: string) => (await suite.history(release)).map((h) => [h.revision, h.status]);

  it('adopts a Helm Operator release with the same chart and values: Ready, and still revision 1', async () => {
    const helm = await suite.helm();
    await helm(['install', `${namespace.name}-web`, fixtureChart('app', '1.0.0'), '-n', namespace.name, '--set', 'config.greeting=hello']);
    const migrated = await migrateAndApply(['-f', '-'], JSON.stringify(operatorObject('web', 'hello')));
    assert.match(migrated.stderr, /✔ 2 capstan object\(s\) from 1 input object\(s\)/);
    const hr = await suite.waitHr('web', 'Ready', isReady);
    assert.equal(hr.spec.releaseName, `${namespace.name}-web`);
    assert.equal(condition(hr, 'Ready')?.reason, 'AdoptSucceeded');
    assert.deepEqual(await historyOf(`${namespace.name}-web`), [[1, 'deployed']]);
  });

  it('upgrades a Helm Operator release read from the cluster whose values changed: exactly one new revision', async () => {
    const helm = await suite.helm();
    await helm(['install', `${namespace.name}-api`, fixtureChart('app', '1.0.0'), '-n', namespace.name, '--set', 'config.greeting=old']);
    await kubectl(['apply', '-f', '-'], { input: JSON.stringify(operatorObject('api', 'new')) });
    await migrateAndApply(['-n', namespace.name]);
    const hr = await suite.waitHr('api', 'Ready', (o) => isReady(o) && condition(o, 'Ready')?.reason === 'UpgradeSucceeded');
    assert.equal(hr.status?.history?.[0]?.version, 2);
    assert.deepEqual(await historyOf(`${namespace.name}-api`), [[1, 'superseded'], [2, 'deployed']]);
  });

  it('adopts a Flux v2 release and its HelmRepository without a new revision', async () => {
    const helm = await suite.helm();
    await helm(['install', 'flux-web', fixtureChart('app', '1.1.0'), '-n', namespace.name, '--set', 'replicaCount=1']);
    const flux = [
      { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { name: 'charts', namespace: namespace.name }, spec: { url, interval: '10m' } },
      { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'flux-web', namespace: namespace.name }, spec: {
        interval: '10m', chart: { spec: { chart: 'app', version: '1.1.x', sourceRef: { kind: 'HelmRepository', name: 'charts' } } }, values: { replicaCount: 1 },
      } },
    ];
    await migrateAndApply(['-f', '-', '--strict'], flux.map((o) => JSON.stringify(o)).join('\n---\n'));
    const hr = await suite.waitHr('flux-web', 'Ready', isReady);
    assert.equal(condition(hr, 'Ready')?.reason, 'AdoptSucceeded');
    assert.deepEqual(await historyOf('flux-web'), [[1, 'deployed']]);
  });

  it('adopts a Helm Operator release whose chart came from Git, through a GitRepository and a chart from Git', async () => {
    const git = await startGitServer();
    try {
      const repo = await createRepository(git, 'charts');
      await repo.commit(await fixtureChartFiles('app', 'charts/app', '1.0.0'));
      const helm = await suite.helm();
      await helm(['install', `${namespace.name}-gitweb`, fixtureChart('app', '1.0.0'), '-n', namespace.name, '--set', 'config.greeting=hello']);
      const operator = {
        apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { name: 'gitweb', namespace: namespace.name },
        spec: { chart: { git: `${git.url}${repo.path}`, ref: 'main', path: 'charts/app' }, values: { config: { greeting: 'hello' } }, wait: true },
      };
      await migrateAndApply(['-f', '-'], JSON.stringify(operator));
      const hr = await suite.waitHr('gitweb', 'Ready', isReady);
      assert.equal(condition(hr, 'Ready')?.reason, 'AdoptSucceeded');
      assert.deepEqual(await historyOf(`${namespace.name}-gitweb`), [[1, 'deployed']]);
    } finally {
      await git.close();
    }
  });

  it('refuses, with one line and nothing written, input it cannot read or fields it cannot carry under --strict', async () => {
    const notYaml = await capstan(['migrate', '-f', '-'], { input: 'a: [b' });
    assert.equal(notYaml.exitCode, 1);
    assert.match(notYaml.stderr, /^capstan: - is not YAML: /m);
    const configMap = await capstan(['migrate', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n' });
    assert.equal(configMap.exitCode, 1);
    assert.match(configMap.stderr, /^capstan: ConfigMap default\/x \(v1\) is not an object capstan migrate reads/m);
    const lossy = { ...operatorObject('lossy', 'x'), spec: { ...operatorObject('lossy', 'x').spec, valuesFrom: [{ externalSourceRef: { url: 'https://example.com/v.yaml' } }] } };
    const strict = await capstan(['migrate', '-f', '-', '--strict'], { input: JSON.stringify(lossy) });
    assert.equal(strict.exitCode, 1);
    assert.equal(strict.stdout, '');
    assert.match(strict.stderr, /spec\.valuesFrom\[0\]\.externalSourceRef dropped: capstan does not fetch values from URLs/);
    assert.match(strict.stderr, /capstan: --strict: 1 field\(s\) cannot be carried over exactly/);
  });
});
