// HelmReleases whose chart comes from a HelmRepository of type oci: the registry on loopback
// (anonymous, and with basic auth from a Secret) holds the fixture charts pushed by helm push.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { HelmRelease } from '../../../src/api/objects.ts';
import { condition, fixtureChartSpec, isReady, useHelmReleaseSuite } from '../../support/helmrelease.ts';
import { useControllers } from '../../support/in-process-controller.ts';
import { kubectl } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { pushFixtures, REGISTRY_USER, startOciRegistry, type OciRegistry } from '../../support/oci-registry.ts';
import { HELM_MAJORS } from '../../support/paths.ts';

const snapshotOf = (hr: HelmRelease) => hr.status?.history?.[0];

describe('HelmRelease from an OCI registry', { concurrency: true }, () => {
  let anonymous: OciRegistry;
  let guarded: OciRegistry;
  before(async () => {
    [anonymous, guarded] = await Promise.all([startOciRegistry(), startOciRegistry({ user: REGISTRY_USER })]);
    await Promise.all([pushFixtures(anonymous), pushFixtures(guarded)]);
  });
  after(async () => { await Promise.all([anonymous.close(), guarded.close()]); });

  for (const major of HELM_MAJORS) {
    describe(`with ${major.name}`, { concurrency: false }, () => {
      const namespace = useNamespace(`hroci${major.name.slice(-1)}`);
      const running = useControllers(namespace, { helm: major });
      const suite = useHelmReleaseSuite(namespace, running, major);
      const { apply, waitHr } = suite;
      const repository = async (name: string, registry: OciRegistry, secret?: string) => {
        await kubectl(['apply', '-n', namespace.name, '-f', '-'], {
          input: JSON.stringify({
            apiVersion: 'source.capstan.dev/v1', kind: 'HelmRepository', metadata: { name },
            spec: { type: 'oci', url: `oci://${registry.host}/charts`, insecure: true, interval: '10m', ...(secret ? { secretRef: { name: secret } } : {}) },
          }),
        });
      };
      const app = (version: string, repo: string) => ({ interval: '10m', ...fixtureChartSpec('app', version, repo) });

      it('installs a chart from the registry, then upgrades when the version changes', async () => {
        await repository('registry', anonymous);
        await apply('web', app('1.0.0', 'registry'));
        const installed = await waitHr('web', 'Ready', isReady);
        assert.equal(condition(installed, 'Ready')?.reason, 'InstallSucceeded');
        assert.deepEqual([snapshotOf(installed)?.chartVersion, snapshotOf(installed)?.version], ['1.0.0', 1]);

        await apply('web', app('~1.1', 'registry'));
        const upgraded = await waitHr('web', 'revision 2', (hr) => isReady(hr) && snapshotOf(hr)?.version === 2);
        assert.equal(condition(upgraded, 'Ready')?.reason, 'UpgradeSucceeded');
        assert.equal(snapshotOf(upgraded)?.chartVersion, '1.1.0');
        assert.deepEqual((await suite.history('web')).map((h) => [h.revision, h.status]), [[1, 'superseded'], [2, 'deployed']]);
        const event = await suite.waitEvent('web', 'Normal', 'UpgradeSucceeded');
        assert.match(event.note, /with app@1\.1\.0 \(from 1\.0\.0, revision 1\)/);
      });

      it('installs a release applied before its OCI repository as soon as the repository exists, not at its interval', async () => {
        await apply('early', app('1.0.0', 'late'));
        const waiting = await suite.waitReason('early', 'SourceNotReady');
        assert.match(condition(waiting, 'Ready')?.message ?? '', /HelmRepository \S+\/late does not exist/);
        await repository('late', anonymous);
        const hr = await waitHr('early', 'Ready once the repository exists (its interval is 10m)', isReady);
        assert.equal(snapshotOf(hr)?.chartVersion, '1.0.0');
      });

      it('reports AuthenticationFailed without touching the release when the registry refuses the credentials', async () => {
        await kubectl(['create', 'secret', 'generic', 'registry-auth', '-n', namespace.name, `--from-literal=username=${REGISTRY_USER.username}`, '--from-literal=password=wrong']);
        await repository('guarded', guarded, 'registry-auth');
        await apply('private', app('2.0.0', 'guarded'));
        const refused = await waitHr('private', 'Ready=False AuthenticationFailed', (hr) => condition(hr, 'Ready')?.reason === 'AuthenticationFailed');
        assert.equal(condition(refused, 'Ready')?.status, 'False');
        assert.match(condition(refused, 'Ready')?.message ?? '', /secretRef|credentials|401/);
        assert.equal(refused.status?.history, undefined, 'nothing installed');
        assert.doesNotMatch(JSON.stringify(refused.status), /wrong/, 'the password is in no status');
      });

      it('installs from a registry with basic auth once the Secret holds the right password', async () => {
        await kubectl(['create', 'secret', 'generic', 'registry-auth', '-n', namespace.name, `--from-literal=username=${REGISTRY_USER.username}`, `--from-literal=password=${REGISTRY_USER.password}`, '--dry-run=client', '-o', 'yaml'])
          .then(({ stdout }) => kubectl(['apply', '-n', namespace.name, '-f', '-'], { input: stdout }));
        // A Secret named by a HelmRepository is not watched: ask for a reconcile.
        await suite.annotate('private', 'reconcile.capstan.dev/requestedAt', new Date().toISOString());
        const hr = await waitHr('private', 'Ready', isReady);
        assert.equal(condition(hr, 'Ready')?.reason, 'InstallSucceeded');
        assert.equal(snapshotOf(hr)?.chartVersion, '2.0.0');
      });
    });
  }
});
