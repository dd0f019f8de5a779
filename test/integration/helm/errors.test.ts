// Each failure a HelmRelease can meet, produced for real with helm 3 and helm 4, arrives as the
// error class and reason capstan acts on, with a message that says what to do.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Helm } from '../../../src/helm/cli.ts';
import * as helm from '../../../src/helm/commands.ts';
import { capstanHelm, fixtureChart, rejectsWithHelmReason } from '../../support/helm.ts';
import { kubectl } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { HELM_MAJORS } from '../../support/paths.ts';
import { waitFor } from '../../support/wait.ts';

for (const major of HELM_MAJORS) {
  describe(`helm errors with ${major.name}`, () => {
    const ns = useNamespace(`helm-err-${major.name.replace(' ', '')}`);
    let cli: Helm;
    const at = (releaseName: string) => ({ namespace: ns.name, releaseName });
    before(async () => {
      cli = await capstanHelm(major);
    });

    it('times out an upgrade whose pods never become ready, and the revision is failed', async () => {
      await helm.install(cli, { ...at('slow'), chart: fixtureChart('never-ready', '1.0.0'), values: {}, timeoutMs: 60_000 });
      const error = await rejectsWithHelmReason(
        helm.upgrade(cli, { ...at('slow'), chart: fixtureChart('never-ready', '2.0.0'), values: {}, timeoutMs: 5_000 }), 'HelmTimeout');
      assert.match(error.message, /context deadline exceeded/);
      assert.match(error.message, /raise the timeout/);
      assert.equal((await helm.history(cli, at('slow'))).at(-1)?.status, 'failed');
    });

    it('reports a chart that fails to render, and installs nothing', async () => {
      const error = await rejectsWithHelmReason(
        helm.install(cli, { ...at('boom'), chart: fixtureChart('broken', '1.0.0'), values: { explode: true } }), 'ChartRenderFailed');
      assert.match(error.message, /broken: explode is true, refusing to render/);
      assert.match(error.stderrTail, /execution error at/);
      await rejectsWithHelmReason(helm.history(cli, at('boom')), 'ReleaseNotFound');
    });

    it('reports the same render failure from helm template', async () => {
      await rejectsWithHelmReason(helm.template(cli, { ...at('boom'), chart: fixtureChart('broken', '1.0.0'), values: { explode: true } }), 'ChartRenderFailed');
    });

    it('reports values that break the chart\'s schema, naming the field', async () => {
      const error = await rejectsWithHelmReason(
        helm.install(cli, { ...at('strict'), chart: fixtureChart('strict', '1.0.0'), values: { port: 'abc' } }), 'ValuesSchemaInvalid');
      assert.match(error.message, /port/);
      assert.match(error.message, /values\.schema\.json/);
    });

    it('reports a release locked by an upgrade in progress', async () => {
      await helm.install(cli, { ...at('locked'), chart: fixtureChart('never-ready', '1.0.0'), values: {}, timeoutMs: 60_000 });
      const first = new AbortController();
      const running = helm.upgrade(cli, { ...at('locked'), chart: fixtureChart('never-ready', '2.0.0'), values: {}, timeoutMs: 60_000, signal: first.signal });
      await waitFor('the first upgrade to hold the release', async () => {
        const newest = (await helm.history(cli, at('locked'))).at(-1);
        return newest?.status === 'pending-upgrade' ? newest : undefined;
      });
      const error = await rejectsWithHelmReason(
        helm.upgrade(cli, { ...at('locked'), chart: fixtureChart('never-ready', '1.0.0'), values: {}, timeoutMs: 60_000 }), 'ReleaseLocked');
      assert.match(error.message, /another helm operation/);
      first.abort();
      await rejectsWithHelmReason(running, 'HelmCancelled');
    });

    it('reports a missing release on uninstall', async () => {
      const error = await rejectsWithHelmReason(helm.uninstall(cli, at('missing')), 'ReleaseNotFound');
      assert.match(error.message, /release: not found/);
    });

    it('reports an install over an existing release', async () => {
      await helm.install(cli, { ...at('twice'), chart: fixtureChart('app', '1.0.0'), values: {}, disableWait: true });
      await rejectsWithHelmReason(helm.install(cli, { ...at('twice'), chart: fixtureChart('app', '1.0.0'), values: {}, disableWait: true }), 'ReleaseExists');
    });

    it('reports a target namespace that does not exist', async () => {
      const error = await rejectsWithHelmReason(
        helm.install(cli, { namespace: `${ns.name}-absent`, releaseName: 'web', chart: fixtureChart('app', '1.0.0'), values: {} }), 'NamespaceNotFound');
      assert.match(error.message, /createNamespace/);
    });

    it('reports RBAC refusing an impersonated service account, in the API server\'s words', async () => {
      const user = `system:serviceaccount:${ns.name}:nobody`;
      const error = await rejectsWithHelmReason(
        helm.install(cli, { ...at('denied'), chart: fixtureChart('app', '1.0.0'), values: {}, impersonate: { user } }), 'HelmForbidden');
      assert.match(error.message, new RegExp(`is forbidden: User "${user}" cannot`));
      assert.match(error.message, new RegExp(`grant ${user} these permissions`));
    });

    it('installs as an impersonated service account that RBAC allows', async () => {
      await kubectl(['create', 'serviceaccount', 'deployer', '-n', ns.name]);
      await kubectl(['create', 'rolebinding', 'deployer-admin', '--clusterrole=admin', `--serviceaccount=${ns.name}:deployer`, '-n', ns.name]);
      const impersonate = { user: `system:serviceaccount:${ns.name}:deployer` };
      const release = await helm.install(cli, { ...at('delegated'), chart: fixtureChart('app', '1.0.0'), values: {}, impersonate, timeoutMs: 60_000 });
      assert.equal(release.status, 'deployed');
      const owner = await kubectl(['get', 'deployment', 'delegated-app', '-n', ns.name, '-o', 'jsonpath={.metadata.managedFields[0].manager}']);
      assert.equal(owner.stdout, 'helm');
    });
  });
}
