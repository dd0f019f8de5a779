// The chart's CRDs under install.crds / upgrade.crds: crd-policy 1.0.0 ships the Sprocket CRD;
// 2.0.0 adds a field to it and ships a second CRD, Cog. CRDs are cluster-wide, so the two helm
// majors run one after the other, every test starts without them, and no other suite uses them.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { condition, fixtureChartSpec, isReady, useHelmReleaseSuite } from '../../support/helmrelease.ts';
import { useControllers } from '../../support/in-process-controller.ts';
import { kubectl, kubectlJson } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { HELM_MAJORS, ROOT } from '../../support/paths.ts';
import { namespaceAdmin } from '../../support/tenant.ts';

const SPROCKETS = 'sprockets.crd-policy.capstan.test';
const COGS = 'cogs.crd-policy.capstan.test';

interface Crd {
  metadata: { managedFields?: { manager: string; operation: string }[] };
  spec: { versions: { schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, unknown> } } } } }[] };
}

const crd = (name: string) => kubectlJson<Crd>(['get', 'crd', name, '--show-managed-fields']);
const crdExists = async (name: string) => (await kubectl(['get', 'crd', name], { check: false })).exitCode === 0;
/** The fields of Sprocket's spec, as the CRD in the cluster declares them. */
const sprocketFields = async () => Object.keys((await crd(SPROCKETS)).spec.versions[0]?.schema.openAPIV3Schema.properties.spec.properties ?? {}).sort();

const chart = (version: string, changes: Record<string, unknown> = {}) => ({ interval: '10m', ...fixtureChartSpec('crd-policy', version), ...changes });
const revisionOf = (hr: { status?: { history?: { version: number }[] } }) => hr.status?.history?.[0]?.version;

describe('chart CRDs', { concurrency: false }, () => {
  for (const major of HELM_MAJORS) {
    describe(`with ${major.name}`, () => {
      const namespace = useNamespace(`hrcrd${major.name.slice(-1)}`);
      const running = useControllers(namespace, { helm: major });
      const suite = useHelmReleaseSuite(namespace, running, major);
      const { apply, waitHr } = suite;
      const upgraded = (name: string) => waitHr(name, 'Ready at revision 2', (hr) => isReady(hr) && revisionOf(hr) === 2);

      const deleteCrds = async () => { await kubectl(['delete', 'crd', SPROCKETS, COGS, '--ignore-not-found', '--wait=true', '--timeout=60s']); };
      beforeEach(deleteCrds);
      after(deleteCrds);

      it('creates the CRDs on install and leaves them alone on upgrade by default (upgrade.crds: Skip)', async () => {
        await apply('skip', chart('1.0.0'));
        await waitHr('skip', 'Ready', isReady);
        assert.deepEqual(await sprocketFields(), ['size'], 'helm install created the CRD');

        await apply('skip', chart('2.0.0'));
        await upgraded('skip');
        assert.deepEqual(await sprocketFields(), ['size'], 'the Sprocket CRD is unchanged');
        assert.equal(await crdExists(COGS), false, 'the new Cog CRD was not created');
      });

      it('creates only the absent CRDs on upgrade with upgrade.crds: Create', async () => {
        await apply('create', chart('1.0.0'));
        await waitHr('create', 'Ready', isReady);
        await apply('create', chart('2.0.0', { upgrade: { crds: 'Create' } }));
        await upgraded('create');
        assert.equal(await crdExists(COGS), true, 'the Cog CRD was created');
        assert.deepEqual(await sprocketFields(), ['size'], 'the existing Sprocket CRD is unchanged');
      });

      it('creates and updates the CRDs by server-side apply on upgrade with upgrade.crds: CreateReplace', async () => {
        await apply('replace', chart('1.0.0'));
        await waitHr('replace', 'Ready', isReady);
        await apply('replace', chart('2.0.0', { upgrade: { crds: 'CreateReplace' } }));
        await upgraded('replace');
        assert.deepEqual(await sprocketFields(), ['color', 'size'], 'the Sprocket CRD gained the field of 2.0.0');
        assert.equal(await crdExists(COGS), true, 'the Cog CRD was created');
        const managers = (await crd(SPROCKETS)).metadata.managedFields?.map((f) => `${f.manager}/${f.operation}`) ?? [];
        assert.ok(managers.includes('capstan/Apply'), `capstan applied the CRD (managers: ${managers.join(', ')})`);
      });

      it('applies the CRDs itself before installing with install.crds: CreateReplace', async () => {
        await apply('fresh', chart('2.0.0', { install: { crds: 'CreateReplace' } }));
        await waitHr('fresh', 'Ready', isReady);
        assert.deepEqual(await sprocketFields(), ['color', 'size']);
        const managers = (await crd(COGS)).metadata.managedFields?.map((f) => `${f.manager}/${f.operation}`) ?? [];
        assert.ok(managers.includes('capstan/Apply'), `capstan applied the CRD (managers: ${managers.join(', ')})`);
      });

      it('applies the CRDs as the HelmRelease\'s service account: without the right, the upgrade fails saying how to fix it', async () => {
        const tenant = await namespaceAdmin(namespace.name);
        // The CRD exists already (a cluster admin installed it), so that the tenant's install works.
        await kubectl(['create', '-f', join(ROOT, 'charts-fixtures', 'crd-policy', 'crds', 'sprockets.yaml')]);
        await kubectl(['wait', '--for=condition=Established', `crd/${SPROCKETS}`, '--timeout=60s']);
        // The built-in admin role does not cover custom kinds: the tenant may manage Sprockets in its namespace.
        await kubectl(['create', 'role', 'sprockets', '-n', namespace.name, '--verb=*', `--resource=${SPROCKETS}`]);
        await kubectl(['create', 'rolebinding', 'sprockets', '-n', namespace.name, '--role=sprockets', `--serviceaccount=${namespace.name}:${tenant.serviceAccount}`]);
        await apply('tenant', chart('1.0.0', { install: { crds: 'Skip' }, serviceAccountName: tenant.serviceAccount }));
        await waitHr('tenant', 'Ready', isReady);

        await apply('tenant', chart('2.0.0', { install: { crds: 'Skip' }, upgrade: { crds: 'CreateReplace' }, serviceAccountName: tenant.serviceAccount }));
        const hr = await suite.waitReason('tenant', 'UpgradeFailed');
        const message = condition(hr, 'Ready')?.message ?? '';
        assert.match(message, new RegExp(`could not apply CRD \\S+ \\(upgrade\\.crds: CreateReplace\\): .*forbidden.*; grant system:serviceaccount:${namespace.name}:tenant create and patch on customresourcedefinitions, or set upgrade\\.crds: Skip`));
        assert.deepEqual(await sprocketFields(), ['size'], 'the CRD is unchanged');
        assert.deepEqual((await suite.history('tenant')).map((h) => h.revision), [1], 'helm did not run the upgrade');
        await suite.waitEvent('tenant', 'Warning', 'UpgradeFailed');
      });
    });
  }
});
