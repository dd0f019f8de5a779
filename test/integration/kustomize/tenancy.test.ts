// Tenancy as for HelmReleases: a Kustomization with serviceAccountName applies as that account
// (RBAC decides; a refusal is Ready=False AccessDenied in the API server's words, and a granted
// role lets the next attempt through), and under --no-cross-namespace-refs a source in another
// namespace stalls it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useControllers } from '../../support/in-process-controller.ts';
import { ksCondition, ksReady, useKustomizationSuite } from '../../support/kustomization.ts';
import { kubectl } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';

describe('Kustomization tenancy, with --no-cross-namespace-refs', () => {
  const namespace = useNamespace('kstenant');
  useControllers(namespace, { allowCrossNamespace: false });
  const suite = useKustomizationSuite(namespace);
  const spec = (extra: Record<string, unknown>) => ({
    sourceRef: { kind: 'GitRepository', name: 'tenant' }, interval: '10m', retryInterval: '1s', timeout: '20s',
    prune: true, targetNamespace: namespace.name, ...extra,
  });

  it('applies as its service account: refused without a role, applied once one is granted', async () => {
    await suite.source('tenant', { 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tenant-app\ndata:\n  value: "1"\n' });
    await kubectl(['create', 'serviceaccount', 'tenant', '-n', namespace.name]);
    await suite.apply('tenant', spec({ serviceAccountName: 'tenant' }));
    const denied = await suite.waitReason('tenant', 'AccessDenied');
    const ready = ksCondition(denied, 'Ready');
    assert.equal(ready?.status, 'False');
    assert.match(ready.message, new RegExp(`ConfigMap/${namespace.name}/tenant-app`));
    assert.match(ready.message, new RegExp(`User "system:serviceaccount:${namespace.name}:tenant" cannot`), 'the API server\'s words');
    await suite.waitEvent('tenant', 'Warning', 'AccessDenied', /system:serviceaccount/);
    assert.equal((await kubectl(['get', 'configmap', 'tenant-app', '-n', namespace.name], { check: false })).exitCode, 1, 'nothing applied');

    await kubectl(['create', 'rolebinding', 'tenant-admin', '-n', namespace.name, '--clusterrole=admin', `--serviceaccount=${namespace.name}:tenant`]);
    await suite.waitKs('tenant', 'Ready once the role allows it', ksReady);
    await kubectl(['get', 'configmap', 'tenant-app', '-n', namespace.name]);
  });

  it('stalls on a source in another namespace, saying how to fix it', async () => {
    await suite.apply('foreign', spec({ sourceRef: { kind: 'GitRepository', name: 'tenant', namespace: 'kube-system' } }));
    const ks = await suite.waitReason('foreign', 'AccessDenied');
    assert.equal(ksCondition(ks, 'Stalled')?.status, 'True');
    assert.equal(ksCondition(ks, 'Ready')?.message,
      `GitRepository kube-system/tenant is in another namespace, which this controller forbids (--no-cross-namespace-refs): create the GitRepository in namespace ${namespace.name}`);
    await suite.waitEvent('foreign', 'Warning', 'AccessDenied', /--no-cross-namespace-refs/);
  });
});
