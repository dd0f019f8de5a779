// Deleting a Kustomization, as Flux's: its finalizer prunes the objects of its inventory first
// (never one annotated prune: disabled) with prune: true, lets them stay with prune: false or
// suspended, and a deletion RBAC refuses keeps the Kustomization, saying which object and how to
// get out, until the tenant may delete it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FINALIZER } from '../../../src/kube/finalizers.ts';
import { useControllers } from '../../support/in-process-controller.ts';
import { configMapYaml, deploymentYaml, ksCondition, ksReady, useKustomizationSuite } from '../../support/kustomization.ts';
import { kubectl } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { waitAllowed } from '../../support/tenant.ts';
import { waitFor } from '../../support/wait.ts';

const KS = 'kustomizations.kustomize.capstan.dev';
const keptYaml = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  annotations:\n    kustomize.capstan.dev/prune: disabled\ndata:\n  value: "1"\n`;

describe('Deleting a Kustomization', () => {
  const namespace = useNamespace('ksdel');
  useControllers(namespace);
  const suite = useKustomizationSuite(namespace);
  const spec = (source: string, extra: Record<string, unknown>) => ({
    sourceRef: { kind: 'GitRepository', name: source }, interval: '10m', retryInterval: '1s', timeout: '20s',
    targetNamespace: namespace.name, ...extra,
  });
  const deleteKs = (name: string) => kubectl(['delete', KS, name, '-n', namespace.name, '--wait=false']);
  const waitGone = (what: string, kind: string, name: string) =>
    waitFor(what, async () => ((await suite.exists(kind, name)) ? undefined : true), { timeoutMs: 60_000 });

  it('prunes what it applied with prune: true, except an object annotated prune: disabled, then goes', async () => {
    await suite.source('pruned', { 'a.yaml': configMapYaml('pruned-a', '1'), 'web.yaml': deploymentYaml('pruned-web'), 'kept.yaml': keptYaml('pruned-kept') });
    await suite.apply('pruned', spec('pruned', { prune: true }));
    const ready = await suite.waitKs('pruned', 'Ready', ksReady);
    assert.deepEqual(ready.metadata.finalizers, [FINALIZER]);
    assert.equal(ready.status?.inventory?.entries.length, 3);

    await deleteKs('pruned');
    await waitGone('Kustomization pruned to go', KS, 'pruned');
    assert.equal(await suite.exists('configmap', 'pruned-a'), false, 'pruned');
    assert.equal(await suite.exists('deployment', 'pruned-web'), false, 'pruned');
    assert.equal(await suite.exists('configmap', 'pruned-kept'), true, 'prune: disabled keeps it');
    await suite.waitEvent('pruned', 'Normal', 'Pruned', new RegExp(
      `^deleted with the Kustomization: 2 of 3 objects in its inventory pruned: Deployment/${namespace.name}/pruned-web, ConfigMap/${namespace.name}/pruned-a; 1 object already gone or kept`));
  });

  it('leaves the objects in place with prune: false, and when suspended', async () => {
    await suite.source('kept', { 'off/cm.yaml': configMapYaml('kept-off', '1'), 'paused/cm.yaml': configMapYaml('kept-paused', '1') });
    await suite.apply('off', spec('kept', { prune: false, path: './off' }));
    await suite.waitKs('off', 'Ready', ksReady);
    await deleteKs('off');
    await waitGone('Kustomization off to go', KS, 'off');
    assert.equal(await suite.exists('configmap', 'kept-off'), true, 'prune: false leaves it');

    await suite.apply('paused', spec('kept', { prune: true, path: './paused' }));
    await suite.waitKs('paused', 'Ready', ksReady);
    await suite.apply('paused', spec('kept', { prune: true, path: './paused', suspend: true }));
    await deleteKs('paused');
    await waitGone('Kustomization paused to go', KS, 'paused');
    assert.equal(await suite.exists('configmap', 'kept-paused'), true, 'suspended: its objects stay');
    assert.deepEqual((await suite.events('paused')).filter((e) => e.reason === 'Pruned'), [], 'nothing pruned');
  });

  it('is kept while RBAC refuses a deletion, saying which object and the ways out, and goes once it is allowed', async () => {
    await suite.source('tenant', { 'cm.yaml': configMapYaml('tenant-config', '1'), 'web.yaml': deploymentYaml('tenant-web') });
    await kubectl(['create', 'serviceaccount', 'tenant', '-n', namespace.name]);
    // Everything on ConfigMaps; Deployments may be applied but not deleted.
    await kubectl(['create', 'role', 'tenant', '-n', namespace.name, '--verb=*', '--resource=configmaps']);
    await kubectl(['create', 'role', 'tenant-deployments', '-n', namespace.name, '--verb=get,list,watch,create,update,patch', '--resource=deployments.apps']);
    for (const role of ['tenant', 'tenant-deployments']) {
      await kubectl(['create', 'rolebinding', role, '-n', namespace.name, `--role=${role}`, `--serviceaccount=${namespace.name}:tenant`]);
    }
    await suite.apply('tenant', spec('tenant', { prune: true, serviceAccountName: 'tenant' }));
    await suite.waitKs('tenant', 'Ready', ksReady);

    await deleteKs('tenant');
    const held = await suite.waitKs('tenant', 'PruneFailed', (k) => ksCondition(k, 'Ready')?.reason === 'PruneFailed');
    const ready = ksCondition(held, 'Ready');
    assert.equal(ready?.status, 'False');
    assert.match(ready.message, new RegExp(`^deleting the objects of Kustomization ${namespace.name}/tenant failed, so it is kept: deletion of Deployment/${namespace.name}/tenant-web was refused: `));
    assert.match(ready.message, new RegExp(`User "system:serviceaccount:${namespace.name}:tenant" cannot delete resource "deployments"`), 'the API server\'s words');
    assert.match(ready.message, /spec\.suspend: true or by removing the finalizer finalizers\.capstan\.dev/, 'the ways out');
    await suite.waitEvent('tenant', 'Warning', 'PruneFailed', /cannot delete resource "deployments"/);
    assert.equal(await suite.exists('deployment', 'tenant-web'), true);

    await kubectl(['create', 'role', 'tenant-delete', '-n', namespace.name, '--verb=delete', '--resource=deployments.apps']);
    await kubectl(['create', 'rolebinding', 'tenant-delete', '-n', namespace.name, '--role=tenant-delete', `--serviceaccount=${namespace.name}:tenant`]);
    await waitAllowed(namespace.name, 'tenant', 'delete', 'deployments.apps', true);
    // The way the message tells: retry at once rather than after the backoff.
    await suite.annotate('tenant', 'reconcile.capstan.dev/requestedAt', 'now');
    await waitGone('Kustomization tenant to go', KS, 'tenant');
    assert.equal(await suite.exists('deployment', 'tenant-web'), false);
    assert.equal(await suite.exists('configmap', 'tenant-config'), false);
  });
});
