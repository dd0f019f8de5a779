// Drift detection against the real cluster, helm 3 and helm 4: objects of a release changed by
// hand (scaled, edited, deleted) are reported in `warn` mode and put back in `enabled` mode without
// a helm upgrade, as the HelmRelease's service account; ignore rules and the opt-out annotation are
// respected; and releases nobody touched report no drift over many resyncs, also after their pods
// became ready and a rollout restart.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { HelmRelease } from '../../../src/api/objects.ts';
import { condition, fixtureChartSpec, isReady, useHelmReleaseSuite } from '../../support/helmrelease.ts';
import { useControllers } from '../../support/in-process-controller.ts';
import { kubectl, kubectlJson } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { namespaceAdmin } from '../../support/tenant.ts';
import { HELM_MAJORS } from '../../support/paths.ts';
import { waitFor } from '../../support/wait.ts';

interface Deployment {
  metadata: { generation: number };
  spec: { replicas: number };
  status?: { observedGeneration?: number; readyReplicas?: number };
}
type ConfigMap = { data: Record<string, string> };
type Labelled = { metadata: { labels?: Record<string, string> } };

describe('HelmRelease drift detection', { concurrency: true }, () => {
  for (const major of HELM_MAJORS) {
    describe(`with ${major.name}`, { concurrency: false }, () => {
      const namespace = useNamespace(`hrdrift${major.name.slice(-1)}`);
      const running = useControllers(namespace, { helm: major });
      const suite = useHelmReleaseSuite(namespace, running, major);
      const { apply, waitHr } = suite;
      const ns = () => namespace.name;
      const get = <T>(kind: string, name: string) => kubectlJson<T>(['get', kind, name, '-n', ns()]);
      const exists = async (kind: string, name: string) => (await kubectl(['get', kind, name, '-n', ns()], { check: false })).exitCode === 0;
      const drifted = (hr: HelmRelease) => condition(hr, 'Drifted');
      const driftEvents = async (name: string) => (await suite.events(name)).filter((e) => e.reason.startsWith('Drift'));

      let resyncs = 0;
      /** Asks for a reconcile (reconcile.capstan.dev/requestedAt) and waits until it was handled. */
      const resync = async (name: string) => {
        const at = `resync-${String(++resyncs)}`;
        await suite.annotate(name, 'reconcile.capstan.dev/requestedAt', at);
        return waitHr(name, `requestedAt ${at} handled`, (hr) => hr.status?.lastHandledReconcileAt === at);
      };
      const appSpec = (mode: string, extra: Record<string, unknown> = {}) => ({
        interval: '10m', ...fixtureChartSpec('app', '1.0.0'), driftDetection: { mode, ...extra },
      });
      /** The changes a user makes by hand to the app chart's objects of release `name`. */
      const tamper = async (name: string) => {
        await kubectl(['scale', 'deployment', `${name}-app`, '-n', ns(), '--replicas=3']);
        await kubectl(['patch', 'configmap', `${name}-app-config`, '-n', ns(), '--type=merge', '-p', '{"data":{"values.json":"{\\"greeting\\":\\"edited\\"}"}}']);
        await kubectl(['delete', 'service', `${name}-app`, '-n', ns()]);
      };

      before(async () => {
        await apply('warn', appSpec('warn'));
        await apply('fix', appSpec('enabled'));
        await apply('ign', appSpec('enabled', {
          ignore: [
            { paths: ['/spec/replicas'], target: { group: 'apps', kind: 'Deployment' } },
            { paths: ['/data/values.json'], target: { kind: 'ConfigMap', labelSelector: 'app.kubernetes.io/name=app' } },
          ],
        }));
        await apply('plain', { interval: '10m', ...fixtureChartSpec('app', '1.0.0') });
        for (const name of ['warn', 'fix', 'ign', 'plain']) await waitHr(name, 'Ready', isReady);
      });

      it('reports no drift on a release just installed', async () => {
        for (const name of ['warn', 'fix', 'ign']) {
          const hr = await resync(name);
          assert.equal(drifted(hr)?.status, 'False', drifted(hr)?.message);
          assert.equal(drifted(hr)?.reason, 'NoDrift');
          assert.match(drifted(hr)?.message ?? '', new RegExp(`no drift in the 3 object\\(s\\) of release ${ns()}/${name}`));
        }
      });

      it('with drift detection disabled (the default) has no Drifted condition, and a resync reads and writes nothing', async () => {
        const hr = await resync('plain');
        assert.equal(drifted(hr), undefined);
        const reconciles = async () => (await running.metrics.reconcileTotal.get()).values.filter((v) => v.labels.kind === 'HelmRelease').reduce((n, v) => n + v.value, 0);
        const resyncOnce = async () => {
          const before = await reconciles();
          running.controllers.helmReleases.enqueue(`${ns()}/plain`);
          await waitFor('the resync', async () => ((await reconciles()) > before ? true : undefined));
        };
        // The requested reconcile wrote the status: a first resync may read the HelmRelease through
        // if the watch has not delivered that write yet. The one measured is like an interval resync.
        await resyncOnce();
        const counts = new Map(running.api.counts);
        const helm = await suite.helmCount();
        await resyncOnce();
        assert.deepEqual([running.api.counts.get('GET'), running.api.counts.get('PATCH')], [counts.get('GET'), counts.get('PATCH')], 'no GET, no PATCH');
        assert.equal(await suite.helmCount(), helm, 'no helm process');
      });

      it('in warn mode reports a scaled Deployment, an edited ConfigMap and a deleted Service, and changes nothing', async () => {
        const helm = await suite.helmCount();
        await tamper('warn');
        const hr = await resync('warn');
        const message = drifted(hr)?.message ?? '';
        assert.equal(drifted(hr)?.status, 'True', message);
        assert.equal(drifted(hr)?.reason, 'DriftDetected');
        assert.match(message, new RegExp(`drift in 3 of the 3 object\\(s\\) of release ${ns()}/warn`));
        assert.match(message, new RegExp(`Deployment ${ns()}/warn-app changed at /spec/replicas[;$]`));
        assert.match(message, new RegExp(`ConfigMap ${ns()}/warn-app-config changed at /data/values\\.json[;$]`));
        assert.match(message, new RegExp(`Service ${ns()}/warn-app deleted`));
        assert.equal(condition(hr, 'Ready')?.status, 'True', 'the release itself is still Ready');
        const event = await suite.waitEvent('warn', 'Warning', 'DriftDetected');
        assert.match(event.note, /Deployment .*\/spec\/replicas/);
        assert.equal(event.metadata.annotations?.['event.capstan.dev/release'], `${ns()}/warn`);

        // A second resync: the same drift is not reported again, and still nothing is put back.
        await resync('warn');
        assert.equal((await driftEvents('warn')).length, 1, 'one event for one drift');
        assert.equal((await get<Deployment>('deployment', 'warn-app')).spec.replicas, 3);
        assert.equal((await get<ConfigMap>('configmap', 'warn-app-config')).data['values.json'], '{"greeting":"edited"}');
        assert.equal(await exists('service', 'warn-app'), false);
        assert.equal(await suite.helmCount(), helm, 'no helm process');
      });

      it('in enabled mode puts back a scaled Deployment, an edited ConfigMap, a removed label and a deleted Service, without an upgrade', async () => {
        const helm = await suite.helmCount();
        const original = await get<ConfigMap>('configmap', 'fix-app-config');
        await tamper('fix');
        await kubectl(['label', 'deployment', 'fix-app', '-n', ns(), 'helm.sh/chart-']);
        const hr = await resync('fix');
        assert.equal(drifted(hr)?.status, 'False', drifted(hr)?.message);
        assert.equal(drifted(hr)?.reason, 'DriftCorrected');
        const event = await suite.waitEvent('fix', 'Warning', 'DriftCorrected');
        assert.match(event.note, /Deployment .*\/fix-app changed at \/metadata\/labels\/helm\.sh~1chart, \/spec\/replicas/);
        assert.match(event.note, /Service .*\/fix-app deleted/);

        assert.equal((await get<Deployment>('deployment', 'fix-app')).spec.replicas, 1);
        assert.equal((await get<Labelled>('deployment', 'fix-app')).metadata.labels?.['helm.sh/chart'], 'app-1.0.0');
        assert.deepEqual((await get<ConfigMap>('configmap', 'fix-app-config')).data, original.data);
        assert.equal(await exists('service', 'fix-app'), true);
        assert.equal(await suite.helmCount(), helm, 'no helm process');
        assert.deepEqual((await suite.history('fix')).map((h) => h.revision), [1], 'no new revision');

        const after = await resync('fix');
        assert.equal(drifted(after)?.reason, 'NoDrift', drifted(after)?.message);
      });

      it('leaves a corrected release upgradable by helm (field ownership kept)', async () => {
        await apply('fix', { ...appSpec('enabled'), values: { replicaCount: 2, config: { greeting: 'upgraded' } } });
        const hr = await waitHr('fix', 'revision 2 Ready', (h) => isReady(h) && h.status?.history?.[0]?.version === 2);
        assert.equal(condition(hr, 'Ready')?.reason, 'UpgradeSucceeded');
        assert.equal((await get<Deployment>('deployment', 'fix-app')).spec.replicas, 2);
        const after = await resync('fix');
        assert.equal(drifted(after)?.reason, 'NoDrift', drifted(after)?.message);
      });

      it('leaves ignored fields and opted-out objects alone, and corrects the rest', async () => {
        await kubectl(['scale', 'deployment', 'ign-app', '-n', ns(), '--replicas=4']);
        await kubectl(['patch', 'configmap', 'ign-app-config', '-n', ns(), '--type=merge', '-p', '{"data":{"values.json":"{}","chartVersion":"9.9.9"}}']);
        await kubectl(['annotate', 'service', 'ign-app', '-n', ns(), 'helm.capstan.dev/driftDetection=disabled']);
        await kubectl(['label', 'service', 'ign-app', '-n', ns(), 'helm.sh/chart-']);
        const hr = await resync('ign');
        assert.equal(drifted(hr)?.reason, 'DriftCorrected', drifted(hr)?.message);
        const event = await suite.waitEvent('ign', 'Warning', 'DriftCorrected');
        assert.match(event.note, new RegExp(`drift in 1 of the 2 object\\(s\\) of release ${ns()}/ign: ConfigMap ${ns()}/ign-app-config changed at /data/chartVersion$`));

        assert.equal((await get<Deployment>('deployment', 'ign-app')).spec.replicas, 4, 'ignored: /spec/replicas');
        assert.deepEqual((await get<ConfigMap>('configmap', 'ign-app-config')).data, { chartVersion: '1.0.0', 'values.json': '{}' }, 'corrected, but not the ignored key');
        assert.equal((await get<Labelled>('service', 'ign-app')).metadata.labels?.['helm.sh/chart'], undefined, 'opted out');
        const after = await resync('ign');
        assert.equal(drifted(after)?.reason, 'NoDrift', drifted(after)?.message);
      });

      it('checks on the interval resync, with nothing else asking', async () => {
        await apply('tick', { ...appSpec('warn'), interval: '2s' });
        await waitHr('tick', 'Ready', isReady);
        await resync('tick');
        await kubectl(['scale', 'deployment', 'tick-app', '-n', ns(), '--replicas=2']);
        const hr = await waitHr('tick', 'Drifted', (h) => drifted(h)?.reason === 'DriftDetected', 30_000);
        assert.match(drifted(hr)?.message ?? '', /Deployment .*\/tick-app changed at \/spec\/replicas/);
        await kubectl(['delete', 'hr', 'tick', '-n', ns()]);
      });

      it('checks and corrects as the HelmRelease\'s service account, and says so when RBAC forbids it', async () => {
        const tenant = await namespaceAdmin(ns());
        await apply('tenant', { ...appSpec('enabled'), serviceAccountName: tenant.serviceAccount });
        await waitHr('tenant', 'Ready', isReady);
        // The reconciles the install itself triggered (release Secret changes) are over after this one.
        assert.equal(drifted(await resync('tenant'))?.reason, 'NoDrift');
        await kubectl(['scale', 'deployment', 'tenant-app', '-n', ns(), '--replicas=2']);
        await resync('tenant');
        assert.match((await suite.waitEvent('tenant', 'Warning', 'DriftCorrected')).note, /Deployment .*\/tenant-app changed at \/spec\/replicas$/);
        assert.equal((await get<Deployment>('deployment', 'tenant-app')).spec.replicas, 1);

        await tenant.revoke();
        await kubectl(['scale', 'deployment', 'tenant-app', '-n', ns(), '--replicas=2']);
        const hr = await resync('tenant');
        assert.equal(drifted(hr)?.status, 'Unknown');
        assert.equal(drifted(hr)?.reason, 'DriftDetectionFailed');
        assert.match(drifted(hr)?.message ?? '', new RegExp(`drift detection of release ${ns()}/tenant failed: .*forbidden: User "system:serviceaccount:${ns()}:tenant" cannot`));
        await suite.waitEvent('tenant', 'Warning', 'DriftDetectionFailed');
        assert.equal((await get<Deployment>('deployment', 'tenant-app')).spec.replicas, 2, 'nothing corrected without the rights');
        await tenant.grant();
      });

      describe('on releases nobody touches', () => {
        const fixtures: [string, Record<string, unknown>][] = [
          // No wait: the first checks run while kwok is still making the pods ready.
          ['app', { ...fixtureChartSpec('app', '2.1.0'), values: { replicaCount: 2 }, install: { disableWait: true } }],
          ['crds', fixtureChartSpec('with-crds', '1.0.0')],
          ['umbrella', fixtureChartSpec('umbrella', '1.0.0')],
          ['strict', { ...fixtureChartSpec('strict', '1.0.0'), values: { port: 8080 } }],
        ];
        const names = fixtures.map(([name]) => name);

        before(async () => {
          for (const [name, spec] of fixtures) await apply(name, { interval: '10m', ...spec, driftDetection: { mode: 'warn' } });
          for (const name of names) await waitHr(name, 'Ready', isReady);
        });

        it('reports no drift over 10 resyncs, across pods becoming ready and a rollout restart', async () => {
          const helm = await suite.helmCount();
          const check = async (round: string) => {
            await Promise.all(names.map(async (name) => {
              const hr = await resync(name);
              assert.equal(drifted(hr)?.reason, 'NoDrift', `${name}, ${round}: ${drifted(hr)?.message ?? 'no Drifted condition'}`);
            }));
          };
          await check('right after install');
          await waitFor('the app pods ready (kwok)', async () => {
            const d = await get<Deployment>('deployment', 'app-app');
            return d.status?.observedGeneration === d.metadata.generation && d.status.readyReplicas === 2 ? true : undefined;
          });
          for (let round = 1; round <= 5; round++) await check(`resync ${String(round)} after the pods became ready`);
          // Another manager (kubectl) sets a field of the pod template: not drift.
          await kubectl(['rollout', 'restart', 'deployment', 'app-app', '-n', ns()]);
          await kubectl(['rollout', 'status', 'deployment', 'app-app', '-n', ns(), '--timeout=60s']);
          for (let round = 6; round <= 10; round++) await check(`resync ${String(round)}, after a rollout restart`);

          for (const name of names) assert.deepEqual(await driftEvents(name), [], `${name}: no drift event`);
          assert.equal(await suite.helmCount(), helm, 'no helm process');
        });
      });
    });
  }
});
