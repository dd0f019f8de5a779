// dependsOn holds upgrades back too, not only the first install: when a dependency and its
// dependent change at once, the dependent waits until the dependency is Ready at its new generation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HelmRelease } from '../../../src/api/objects.ts';
import { condition, fixtureChartSpec, isReady, useHelmReleaseSuite } from '../../support/helmrelease.ts';
import { useControllers } from '../../support/in-process-controller.ts';
import { kubectl } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { HELM_MAJORS } from '../../support/paths.ts';

const revisionOf = (hr: HelmRelease) => hr.status?.history?.[0]?.version;
const app = (version: string, changes: Record<string, unknown> = {}) => ({ interval: '10m', ...fixtureChartSpec('app', version), ...changes });

describe('dependsOn on upgrades', { concurrency: true }, () => {
  for (const major of HELM_MAJORS) {
    describe(`with ${major.name}`, () => {
      const namespace = useNamespace(`hrdep${major.name.slice(-1)}`);
      const running = useControllers(namespace, { helm: major });
      const suite = useHelmReleaseSuite(namespace, running, major);
      const { apply, waitHr } = suite;

      it('upgrades a dependent only once its dependency is Ready at its new generation', async () => {
        await apply('db', app('1.0.0'));
        await apply('web', app('1.0.0', { dependsOn: [{ name: 'db' }] }));
        await waitHr('web', 'Ready at revision 1', (hr) => isReady(hr) && revisionOf(hr) === 1);

        // Both change at once; db's new generation cannot be Ready until its ConfigMap exists.
        await apply('db', app('1.1.0', { valuesFrom: [{ kind: 'ConfigMap', name: 'db-values' }] }));
        await apply('web', app('1.1.0', { dependsOn: [{ name: 'db' }] }));
        await suite.waitReason('db', 'ValuesError');
        const waiting = await waitHr('web', 'DependencyNotReady quoting db', (hr) => hr.status?.observedGeneration === hr.metadata.generation &&
          condition(hr, 'Ready')?.reason === 'DependencyNotReady' && /db-values/.test(condition(hr, 'Ready')?.message ?? ''));
        assert.match(condition(waiting, 'Ready')?.message ?? '', new RegExp(`^waiting for dependency ${namespace.name}/db to be Ready \\(now: `));
        assert.deepEqual((await suite.history('web')).map((h) => [h.revision, h.status]), [[1, 'deployed']], 'web was not upgraded while db was not Ready');

        // db can go on: it upgrades (with --wait), and only once it is Ready does web follow.
        await kubectl(['create', 'configmap', 'db-values', '-n', namespace.name, '--from-literal=values.yaml=config: {greeting: db}\n']);
        const dbReady = await waitHr('db', 'Ready at revision 2', (hr) => isReady(hr) && revisionOf(hr) === 2);
        const upgraded = await waitHr('web', 'Ready at revision 2', (hr) => isReady(hr) && revisionOf(hr) === 2);
        const newest = upgraded.status?.history?.[0];
        assert.equal(newest?.chartVersion, '1.1.0');
        const dbReadyAt = Date.parse(condition(dbReady, 'Ready')?.lastTransitionTime ?? '');
        const webDeployedAt = Date.parse(newest.lastDeployed ?? '');
        assert.ok(webDeployedAt >= Math.floor(dbReadyAt / 1000) * 1000, 'web was upgraded after db became Ready');
      });
    });
  }
});
