// When helm's --wait times out, the failure names the object that was not ready and why, not
// "context deadline exceeded" alone (helm 3 says nothing more; helm 4 names the object but not its
// pods). never-ready 2.0.0's pods run but never become Ready (kwok), so its installs and upgrades
// time out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HelmRelease } from '../../../src/api/objects.ts';
import { condition, fixtureChartSpec, isReady, useHelmReleaseSuite, type ClusterEvent } from '../../support/helmrelease.ts';
import { useControllers } from '../../support/in-process-controller.ts';
import { useNamespace } from '../../support/namespace.ts';
import { HELM_MAJORS } from '../../support/paths.ts';

const neverReady = (version: string, changes: Record<string, unknown> = {}) =>
  ({ interval: '10m', ...fixtureChartSpec('never-ready', version), ...changes });
const annotation = (e: ClusterEvent, key: string) => e.metadata.annotations?.[`event.capstan.dev/${key}`];
const releasedWith = (reason: string) => (hr: HelmRelease) =>
  hr.status?.observedGeneration === hr.metadata.generation && condition(hr, 'Released')?.reason === reason;

describe('HelmRelease timeout causes', { concurrency: true }, () => {
  for (const major of HELM_MAJORS) {
    describe(`with ${major.name}`, { concurrency: false }, () => {
      const namespace = useNamespace(`hrcause${major.name.slice(-1)}`);
      const running = useControllers(namespace, { helm: major });
      const suite = useHelmReleaseSuite(namespace, running, major);
      const { apply, waitHr } = suite;
      // The cause first, then helm's own words.
      const cause = (release: string, available: string) => new RegExp(
        `failed: Deployment ${namespace.name}/${release}-never-ready: ${available} \\(pod ${release}-never-ready-[a-z0-9]+-[a-z0-9]+: container app not ready\\); helm \\w+ of release ${namespace.name}/${release} timed out`);

      it('names the Deployment whose pods never became ready when an install times out', async () => {
        await apply('fresh', neverReady('2.0.0', { install: { timeout: '10s' } }));
        const hr = await waitHr('fresh', 'Released reason InstallFailed', releasedWith('InstallFailed'), 120_000);
        const expected = cause('fresh', '0/1 replicas available');
        assert.match(condition(hr, 'Released')?.message ?? '', expected);
        const event = await suite.waitEvent('fresh', 'Warning', 'InstallFailed');
        assert.match(event.note, expected);
        assert.match(annotation(event, 'cause') ?? '', new RegExp(`^Deployment ${namespace.name}/fresh-never-ready: 0/1 replicas available \\(pod `));
        assert.equal(annotation(event, 'helmReason'), 'HelmTimeout');
      });

      it('names the new pods that never became ready when an upgrade times out, while the old ones serve', async () => {
        const upgrade = { timeout: '10s' };
        await apply('web', neverReady('1.0.0', { upgrade }));
        await waitHr('web', 'Ready', isReady);
        await apply('web', neverReady('2.0.0', { upgrade }));
        const hr = await waitHr('web', 'Released reason UpgradeFailed', releasedWith('UpgradeFailed'), 120_000);
        const expected = cause('web', '0/1 updated replicas available');
        assert.match(condition(hr, 'Released')?.message ?? '', expected);
        const event = await suite.waitEvent('web', 'Warning', 'UpgradeFailed');
        assert.match(event.note, expected);
        assert.match(annotation(event, 'cause') ?? '', new RegExp(`^Deployment ${namespace.name}/web-never-ready: 0/1 updated replicas available \\(pod `));
      });

      it('names the Deployment when the rollback that answers a failed upgrade times out too', async () => {
        // Revision 1 is deployed without waiting, so the rollback to it waits on pods that never become ready.
        const spec = { install: { disableWait: true }, upgrade: { timeout: '10s', remediation: { remediateLastFailure: true } }, rollback: { timeout: '10s' } };
        await apply('back', neverReady('2.0.0', spec));
        await waitHr('back', 'Ready', isReady);
        await apply('back', neverReady('2.0.0', { ...spec, values: { replicaCount: 2 } }));
        const hr = await waitHr('back', 'Remediated reason RollbackFailed', (h) => condition(h, 'Remediated')?.reason === 'RollbackFailed', 120_000);
        const expected = new RegExp(`the rollback of ${namespace.name}/back to revision 1 failed too: Deployment ${namespace.name}/back-never-ready: 0/1 replicas available \\(pod back-never-ready-[a-z0-9]+-[a-z0-9]+: container app not ready\\); helm rollback of release ${namespace.name}/back timed out`);
        assert.match(condition(hr, 'Remediated')?.message ?? '', expected);
        const event = await suite.waitEvent('back', 'Warning', 'RollbackFailed');
        assert.match(event.note, expected);
        assert.match(annotation(event, 'cause') ?? '', new RegExp(`^Deployment ${namespace.name}/back-never-ready: 0/1 replicas available \\(pod `));
      });
    });
  }
});
