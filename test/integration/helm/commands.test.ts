// Every helm command of the wrapper against the real cluster, with helm 3 and helm 4: the app
// fixture installed, upgraded, tested, rolled back and uninstalled, read back as typed output.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Helm } from '../../../src/helm/cli.ts';
import * as helm from '../../../src/helm/commands.ts';
import { HelmTestFailedError } from '../../../src/helm/errors.ts';
import { capstanHelm, fixtureChart, rejectsWithHelmReason } from '../../support/helm.ts';
import { kubectl, kubectlJson } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { HELM_MAJORS } from '../../support/paths.ts';

interface ConfigMap {
  data: Record<string, string>;
}

for (const major of HELM_MAJORS) {
  describe(`helm commands with ${major.name}`, () => {
    const ns = useNamespace(`helm-cmd-${major.name.replace(' ', '')}`);
    let cli: Helm;
    const observed: string[] = [];
    const web = () => ({ namespace: ns.name, releaseName: 'web' });
    before(async () => {
      cli = await capstanHelm(major, { observe: (action, result) => observed.push(`${action}:${result}`) });
    });

    it('detects the helm major of the binary', () => {
      assert.equal(`helm ${cli.version.major}`, major.name);
    });

    it('installs a release from a local package with values passed as a file', async () => {
      const release = await helm.install(cli, { ...web(), chart: fixtureChart('app', '1.0.0'), values: { config: { greeting: 'hi', extra: 'x' } }, timeoutMs: 60_000 });
      assert.deepEqual([release.revision, release.status], [1, 'deployed']);
      assert.deepEqual(release.chart, { name: 'app', version: '1.0.0', appVersion: '1.0.0' });
      const cm = await kubectlJson<ConfigMap>(['get', 'configmap', 'web-app-config', '-n', ns.name]);
      assert.deepEqual(JSON.parse(cm.data['values.json'] ?? ''), { greeting: 'hi', extra: 'x' });
      assert.deepEqual(await helm.getValues(cli, web()), { config: { greeting: 'hi', extra: 'x' } });
    });

    it('upgrades with reset values, so a value not given again is gone', async () => {
      const release = await helm.upgrade(cli, { ...web(), chart: fixtureChart('app', '1.1.0'), values: { config: { greeting: 'hello again' } }, timeoutMs: 60_000, maxHistory: 5 });
      assert.deepEqual([release.revision, release.status, release.chart?.version], [2, 'deployed', '1.1.0']);
      assert.deepEqual(await helm.getValues(cli, web()), { config: { greeting: 'hello again' } });
      assert.deepEqual(await helm.getValues(cli, { ...web(), revision: 1 }), { config: { greeting: 'hi', extra: 'x' } });
    });

    it('keeps a null value in the values file, so helm drops the chart default', async () => {
      await helm.upgrade(cli, { ...web(), chart: fixtureChart('app', '1.1.0'), values: { config: { greeting: null } }, timeoutMs: 60_000 });
      const cm = await kubectlJson<ConfigMap>(['get', 'configmap', 'web-app-config', '-n', ns.name]);
      assert.deepEqual(JSON.parse(cm.data['values.json'] ?? ''), {});
    });

    it('reads the history oldest first and the status of the newest revision', async () => {
      const history = await helm.history(cli, web());
      assert.deepEqual(history.map((h) => [h.revision, h.status, h.chart]), [
        [1, 'superseded', 'app-1.0.0'], [2, 'superseded', 'app-1.1.0'], [3, 'deployed', 'app-1.1.0'],
      ]);
      assert.deepEqual((await helm.history(cli, { ...web(), max: 1 })).map((h) => h.revision), [3]);
      const status = await helm.status(cli, web());
      assert.deepEqual([status.revision, status.status, status.namespace], [3, 'deployed', ns.name]);
    });

    it('reads the manifest of a revision', async () => {
      assert.match(await helm.getManifest(cli, { ...web(), revision: 1 }), /chartVersion: "1\.0\.0"/);
      assert.match(await helm.getManifest(cli, web()), /chartVersion: "1\.1\.0"/);
    });

    it('lists the release in every status', async () => {
      const releases = await helm.list(cli, { namespace: ns.name });
      assert.deepEqual(releases.map((r) => [r.name, r.revision, r.status, r.chart]), [['web', 3, 'deployed', 'app-1.1.0']]);
    });

    it('passes helm test when the test pod succeeds, and records the run on the release', async () => {
      const [run, ...more] = await helm.test(cli, { ...web(), timeoutMs: 60_000 });
      assert.deepEqual([run?.name, run?.phase, more], ['web-app-test', 'Succeeded', []]);
      assert.ok(Date.parse(run?.startedAt ?? '') <= Date.parse(run?.completedAt ?? ''), 'helm test reports when the test ran');
      assert.deepEqual((await helm.status(cli, web())).tests, [{ name: 'web-app-test', phase: 'Succeeded' }]);
    });

    it('fails helm test with the failed run when the test pod fails', async () => {
      await helm.upgrade(cli, { ...web(), chart: fixtureChart('app', '1.1.0'), values: { test: { outcome: 'fail' } }, timeoutMs: 60_000 });
      const error = await rejectsWithHelmReason(helm.test(cli, { ...web(), timeoutMs: 60_000 }), 'TestFailed');
      assert.ok(error instanceof HelmTestFailedError);
      assert.deepEqual(error.tests.map((t) => [t.name, t.phase]), [['web-app-test', 'Failed']]);
    });

    it('runs only the tests a filter selects', async () => {
      assert.deepEqual(await helm.test(cli, { ...web(), timeoutMs: 60_000, filters: [{ name: 'web-app-test', exclude: true }] }), []);
    });

    it('rolls back to a named revision, with its values', async () => {
      await helm.rollback(cli, { ...web(), revision: 2, timeoutMs: 60_000, maxHistory: 10 });
      const newest = (await helm.history(cli, web())).at(-1);
      assert.deepEqual([newest?.revision, newest?.status, newest?.description], [5, 'deployed', 'Rollback to 2']);
      assert.deepEqual(await helm.getValues(cli, web()), { config: { greeting: 'hello again' } });
    });

    it('upgrades with force, which helm 4 can only do client-side', async () => {
      const release = await helm.upgrade(cli, { ...web(), chart: fixtureChart('app', '2.0.0'), values: {}, force: true, timeoutMs: 60_000 });
      assert.deepEqual([release.revision, release.status, release.chart?.version], [6, 'deployed', '2.0.0']);
    });

    it('renders a chart locally without installing it', async () => {
      const manifest = await helm.template(cli, { namespace: ns.name, releaseName: 'preview', chart: fixtureChart('app', '2.1.0'), values: { replicaCount: 3 }, skipTests: true });
      assert.match(manifest, /name: preview-app\n/);
      assert.match(manifest, /replicas: 3/);
      assert.doesNotMatch(manifest, /preview-app-test/);
      assert.equal((await helm.list(cli, { namespace: ns.name, filter: '^preview$' })).length, 0);
    });

    it('creates the namespace on install when asked', async () => {
      const target = `${ns.name}-created`;
      try {
        const release = await helm.install(cli, { namespace: target, releaseName: 'web', chart: fixtureChart('app', '1.0.0'), values: {}, createNamespace: true, disableWait: true });
        assert.equal(release.namespace, target);
        await kubectl(['get', 'namespace', target]);
      } finally {
        await kubectl(['delete', 'namespace', target, '--wait=false', '--ignore-not-found'], { check: false });
      }
    });

    it('uninstalls the release, after which it is not found', async () => {
      await helm.uninstall(cli, { ...web(), timeoutMs: 60_000, deletionPropagation: 'foreground' });
      await rejectsWithHelmReason(helm.history(cli, web()), 'ReleaseNotFound');
      assert.deepEqual(await helm.list(cli, { namespace: ns.name }), []);
    });

    it('keeps the history of an uninstalled release when asked', async () => {
      await helm.install(cli, { namespace: ns.name, releaseName: 'kept', chart: fixtureChart('app', '1.0.0'), values: {}, disableWait: true });
      await helm.uninstall(cli, { namespace: ns.name, releaseName: 'kept', keepHistory: true, disableWait: true });
      assert.deepEqual((await helm.history(cli, { namespace: ns.name, releaseName: 'kept' })).map((h) => h.status), ['uninstalled']);
      assert.deepEqual((await helm.list(cli, { namespace: ns.name })).map((r) => [r.name, r.status]), [['kept', 'uninstalled']]);
    });

    it('reported every invocation to the observer', () => {
      for (const seen of ['install:success', 'upgrade:success', 'history:success', 'test:TestFailed', 'rollback:success', 'uninstall:success', 'history:ReleaseNotFound']) {
        assert.ok(observed.includes(seen), `${seen} in ${observed.join(', ')}`);
      }
    });
  });
}
