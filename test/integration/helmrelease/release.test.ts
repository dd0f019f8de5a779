// HelmReleases installed and upgraded by the controller from a repository on loopback, with
// values from inline YAML, a ConfigMap and a Secret, delegated into another namespace.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { HelmRelease } from '../../../src/api/objects.ts';
import { startChartServer, type ChartServer } from '../../support/chart-server.ts';
import { isolatedHelm } from '../../support/helm.ts';
import { useControllers } from '../../support/in-process-controller.ts';
import { kubectl, kubectlJson } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { HELM_MAJORS } from '../../support/paths.ts';
import { waitFor } from '../../support/wait.ts';

const condition = (hr: HelmRelease, type: string) => hr.status?.conditions?.find((c) => c.type === type);

for (const major of HELM_MAJORS) {
  describe(`HelmRelease with ${major.name}`, () => {
    const namespace = useNamespace(`hr${major.name.slice(-1)}`);
    // Set once the namespace exists (before hooks); the release is delegated there.
    let target = '';
    const running = useControllers(namespace, { helm: major });
    let server: ChartServer;
    const apply = (yaml: string) => kubectl(['apply', '-n', namespace.name, '-f', '-'], { input: yaml });
    const get = (name: string) => kubectlJson<HelmRelease>(['get', 'hr', name, '-n', namespace.name]);
    const waitHr = (what: string, name: string, test: (hr: HelmRelease) => boolean, timeoutMs = 90_000) =>
      waitFor(`${name}: ${what}`, async () => { const hr = await get(name); return test(hr) ? hr : undefined; }, { timeoutMs, intervalMs: 200 });
    const helmCount = async () => (await running.metrics.helmActions.get()).values.filter((v) => v.metricName?.endsWith('_count')).reduce((n, v) => n + v.value, 0);
    const release = (spec: string) => `apiVersion: helm.capstan.dev/v1\nkind: HelmRelease\nmetadata: {name: web}\nspec:\n${spec}`;
    const webSpec = (version: string) => `  interval: 10m
  targetNamespace: ${target}
  install: {createNamespace: true}
  chart:
    spec: {chart: app, version: "${version}", sourceRef: {kind: HelmRepository, name: fixtures}}
  values:
    config: {from: inline}
  valuesFrom:
  - {kind: ConfigMap, name: web-values}
  - {kind: Secret, name: web-secret, valuesKey: token, targetPath: config.token}
`;

    before(async () => {
      target = `${namespace.name}-target-${randomBytes(2).toString('hex')}`;
      server = await startChartServer();
      await apply(`apiVersion: source.capstan.dev/v1\nkind: HelmRepository\nmetadata: {name: fixtures}\nspec: {url: "${server.url}", interval: 10m}\n`);
      await kubectl(['create', 'configmap', 'web-values', '-n', namespace.name, '--from-literal=values.yaml=replicaCount: 2\nconfig: {greeting: from-configmap}\n']);
      await kubectl(['create', 'secret', 'generic', 'web-secret', '-n', namespace.name, '--from-literal=token=s3cr3t-value']);
    });
    after(async () => {
      await server.close();
      await kubectl(['delete', 'namespace', target, '--wait=false', '--ignore-not-found'], { check: false });
    });

    it('installs the newest matching version into the target namespace with the composed values', async () => {
      await apply(release(webSpec('~1.0')));
      const hr = await waitHr('Ready', 'web', (h) => condition(h, 'Ready')?.status === 'True');
      assert.equal(condition(hr, 'Ready')?.reason, 'InstallSucceeded');
      const [snapshot] = hr.status?.history ?? [];
      assert.ok(snapshot);
      assert.deepEqual([snapshot.name, snapshot.namespace, snapshot.chartVersion, snapshot.version, snapshot.status], [`${target}-web`, target, '1.0.0', 1, 'deployed']);
      const cm = await kubectlJson<{ data: Record<string, string> }>(['get', 'configmap', `${target}-web-app-config`, '-n', target]);
      assert.deepEqual(JSON.parse(cm.data['values.json'] ?? '{}'), { greeting: 'from-configmap', from: 'inline', token: 's3cr3t-value' });
      const deployment = await kubectlJson<{ spec: { replicas: number } }>(['get', 'deployment', `${target}-web-app`, '-n', target]);
      assert.equal(deployment.spec.replicas, 2);
    });

    it('says what it did in events, without the secret value', async () => {
      // The controller records the event just after the status write the install test waited for.
      const described = await waitFor('an InstallSucceeded event in kubectl describe', async () => {
        const { stdout } = await kubectl(['describe', 'hr', 'web', '-n', namespace.name]);
        return /Normal\s+InstallSucceeded\s/.test(stdout) ? stdout : undefined;
      });
      assert.match(described, /Normal\s+InstallSucceeded\s+.*installed .*-web revision 1 with app@1\.0\.0/);
      const events = await kubectl(['get', 'events.events.k8s.io', '-n', namespace.name, '-o', 'json']);
      assert.doesNotMatch(events.stdout, /s3cr3t-value/);
      const status = await kubectl(['get', 'hr', 'web', '-n', namespace.name, '-o', 'json']);
      assert.doesNotMatch(status.stdout, /s3cr3t-value/);
    });

    it('does nothing on a resync of an in-sync release: no helm process, no API write', async () => {
      const writes = running.api.writes();
      const helm = await helmCount();
      const reconciles = async () => (await running.metrics.reconcileTotal.get()).values.filter((v) => v.labels.kind === 'HelmRelease').reduce((n, v) => n + v.value, 0);
      const before = await reconciles();
      running.controllers.helmReleases.enqueue(`${namespace.name}/web`);
      await waitFor('the resync', async () => ((await reconciles()) > before ? true : undefined));
      assert.equal(await helmCount(), helm, 'no helm process');
      assert.equal(running.api.writes(), writes, 'no API write');
    });

    it('upgrades when a ConfigMap named in valuesFrom changes', async () => {
      const changed = Date.now();
      await kubectl(['create', 'configmap', 'web-values', '-n', namespace.name, '--from-literal=values.yaml=replicaCount: 1\nconfig: {greeting: changed}\n', '--dry-run=client', '-o', 'yaml'])
        .then((r) => kubectl(['apply', '-n', namespace.name, '-f', '-'], { input: r.stdout }));
      const hr = await waitHr('revision 2', 'web', (h) => h.status?.history?.[0]?.version === 2 && condition(h, 'Ready')?.status === 'True');
      assert.equal(condition(hr, 'Ready')?.reason, 'UpgradeSucceeded');
      console.log(`configmap change to upgrade done (${major.name}): ${Date.now() - changed} ms`);
      const cm = await kubectlJson<{ data: Record<string, string> }>(['get', 'configmap', `${target}-web-app-config`, '-n', target]);
      assert.equal((JSON.parse(cm.data['values.json'] ?? '{}') as { greeting: string }).greeting, 'changed');
    });

    it('upgrades to a new chart version when the constraint changes', async () => {
      await apply(release(webSpec('2.x')));
      const hr = await waitHr('app 2.1.0', 'web', (h) => h.status?.history?.[0]?.chartVersion === '2.1.0' && condition(h, 'Ready')?.status === 'True');
      assert.equal(hr.status?.history?.[0]?.version, 3);
    });

    it('reports a missing ConfigMap as ValuesError and leaves the release alone', async () => {
      await apply(release(webSpec('2.x').replace('name: web-values}', 'name: missing-values}')));
      const hr = await waitHr('ValuesError', 'web', (h) => condition(h, 'Ready')?.reason === 'ValuesError');
      assert.match(condition(hr, 'Ready')?.message ?? '', /ConfigMap .*missing-values/);
      const helm = await isolatedHelm(major);
      const history = JSON.parse((await helm(['history', `${target}-web`, '-n', target, '-o', 'json'])).stdout) as { revision: number }[];
      assert.equal(history.at(-1)?.revision, 3, 'no new revision');
    });

    it('reports a version that does not exist, naming the latest stable one', async () => {
      await apply(release(webSpec('9.9.9')));
      const hr = await waitHr('ChartNotFound', 'web', (h) => condition(h, 'Ready')?.reason === 'ChartNotFound');
      assert.match(condition(hr, 'Ready')?.message ?? '', /no chart "app" with version matching "9\.9\.9" .*latest stable: 2\.1\.0/);
    });

    it('uninstalls the release when the HelmRelease is deleted', async () => {
      await kubectl(['delete', 'hr', 'web', '-n', namespace.name, '--timeout=90s']);
      const helm = await isolatedHelm(major);
      const list = await helm(['list', '-n', target, '-o', 'json']);
      assert.deepEqual(JSON.parse(list.stdout), []);
    });
  });
}
