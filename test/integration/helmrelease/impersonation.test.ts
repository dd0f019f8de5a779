// Delegation (DESIGN §3): a HelmRelease with a service account acts as that account, in helm and
// in capstan's own API calls, so RBAC decides what a tenant may do; a refusal stalls the release
// with AccessDenied in the API server's words, and granting the role lets the same release through.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ANNOTATIONS } from '../../../src/api/objects.ts';
import { condition, fixtureChartSpec, isReady, useHelmReleaseSuite, type HelmReleaseSuite } from '../../support/helmrelease.ts';
import { useControllers } from '../../support/in-process-controller.ts';
import { kubectl } from '../../support/kubectl.ts';
import { useNamespace, type TestNamespace } from '../../support/namespace.ts';
import { HELM_MAJORS } from '../../support/paths.ts';
import { leaveLocked } from '../../support/locked-release.ts';
import { namespaceAdmin, type Tenant } from '../../support/tenant.ts';

const TENANT = 'tenant';
const app = { interval: '10m', ...fixtureChartSpec('app', '1.0.0') };

/** A namespace next to the suite's, deleted after it. */
function useSecondNamespace(namespace: TestNamespace, suffix: string): () => string {
  const name = () => `${namespace.name}-${suffix}`;
  before(async () => { await kubectl(['create', 'namespace', name()]); });
  after(async () => { await kubectl(['delete', 'namespace', name(), '--wait=false', '--ignore-not-found'], { check: false }); });
  return name;
}

/** `helmRan`: the refusal came from a helm action, which also says so in a Warning event. */
async function deniedInApiWords(suite: HelmReleaseSuite, name: string, user: string, helmRan = true) {
  const hr = await suite.waitReason(name, 'AccessDenied');
  assert.equal(condition(hr, 'Ready')?.status, 'False');
  assert.equal(condition(hr, 'Stalled')?.status, 'True');
  const message = condition(hr, 'Ready')?.message ?? '';
  // The API server's own sentence, with the impersonated user in it.
  assert.match(message, new RegExp(`is forbidden: User "${user}" cannot \\w+ resource`));
  if (helmRan) assert.match((await suite.waitEvent(name, 'Warning', 'AccessDenied')).note, /is forbidden: User/);
  return message;
}

describe('impersonation', { concurrency: true }, () => {
  for (const major of HELM_MAJORS) {
    describe(`with ${major.name}`, { concurrency: false }, () => {
      const namespace = useNamespace(`hrimp${major.name.slice(-1)}`);
      const running = useControllers(namespace, { helm: major, lockGraceMs: 0 });
      const suite = useHelmReleaseSuite(namespace, running, major);
      const target = useSecondNamespace(namespace, 'other');
      const tenant = () => `system:serviceaccount:${namespace.name}:${TENANT}`;
      let rights: Tenant | undefined;
      before(async () => { rights = await namespaceAdmin(namespace.name, TENANT); });

      it('refuses a tenant an install into a namespace its role does not cover, then installs once a role there allows it', async () => {
        await suite.apply('across', { ...app, targetNamespace: target(), serviceAccountName: TENANT });
        const message = await deniedInApiWords(suite, 'across', tenant());
        assert.match(message, new RegExp(`in the namespace "${target()}"`));
        const stored = await kubectl(['get', 'secret', '-n', target(), '-l', 'owner=helm', '-o', 'name']);
        assert.equal(stored.stdout.trim(), '', 'nothing was installed');

        // The same namespace-admin rights in the target namespace.
        await kubectl(['create', 'rolebinding', TENANT, '-n', target(), '--clusterrole=admin', `--serviceaccount=${namespace.name}:${TENANT}`]);
        await suite.annotate('across', ANNOTATIONS.requestedAt, 'granted');
        const hr = await suite.waitHr('across', 'Ready once the role allows it', isReady);
        assert.equal(condition(hr, 'Stalled'), undefined);
        assert.equal(hr.status?.history?.[0]?.namespace, target());
        await kubectl(['get', 'deployment', `${target()}-across-app`, '-n', target()]);
      });

      it('refuses a tenant a chart that creates a cluster-scoped object', async () => {
        await suite.apply('cluster', { interval: '10m', ...fixtureChartSpec('with-crds', '1.0.0'), serviceAccountName: TENANT });
        const message = await deniedInApiWords(suite, 'cluster', tenant());
        assert.match(message, /customresourcedefinitions.* at the cluster scope/);
      });

      it('recovers a locked release only as the service account, and says so when its rights are gone', async () => {
        await suite.apply('locked', { ...app, serviceAccountName: TENANT });
        await suite.waitHr('locked', 'Ready', isReady);
        await rights?.revoke();
        try {
          await leaveLocked(namespace.name, 'locked', 1, 'pending-upgrade');
          const message = await deniedInApiWords(suite, 'locked', tenant(), false);
          assert.match(message, /^release .*\/locked is pending-upgrade and cannot be recovered: secrets "sh\.helm\.release\.v1\.locked\.v2" is forbidden/);
          assert.equal((await suite.history('locked')).at(-1)?.status, 'pending-upgrade', 'left as it was');
        } finally {
          await rights?.grant();
        }
        await suite.annotate('locked', ANNOTATIONS.requestedAt, 'granted');
        await suite.waitHr('locked', 'Ready once the rights are back', (hr) => isReady(hr) && (hr.status?.history?.[0]?.version ?? 0) > 2);
      });

      it('reads valuesFrom as the service account', async () => {
        await kubectl(['create', 'serviceaccount', 'nobody', '-n', namespace.name]);
        await kubectl(['create', 'configmap', 'shared-values', '-n', namespace.name, '--from-literal=values.yaml=config: {greeting: shared}\n']);
        await suite.apply('reader', { ...app, serviceAccountName: 'nobody', valuesFrom: [{ kind: 'ConfigMap', name: 'shared-values' }] });
        const message = await deniedInApiWords(suite, 'reader', `system:serviceaccount:${namespace.name}:nobody`, false);
        assert.match(message, /^valuesFrom ConfigMap .*\/shared-values cannot be read: configmaps "shared-values" is forbidden/);
        const stored = await kubectl(['get', 'secret', '-n', namespace.name, '-l', 'owner=helm,name=reader', '-o', 'name']);
        assert.equal(stored.stdout.trim(), '', 'helm never ran for it');
      });
    });
  }

  describe('with --default-service-account', () => {
    const namespace = useNamespace('hrimpd');
    const major = HELM_MAJORS[1];
    const running = useControllers(namespace, { helm: major, defaultServiceAccount: TENANT });
    const suite = useHelmReleaseSuite(namespace, running, major);
    const target = useSecondNamespace(namespace, 'other');
    before(async () => { await namespaceAdmin(namespace.name, TENANT); });

    it('impersonates the default service account for a HelmRelease that names none', async () => {
      await suite.apply('own', app);
      await suite.waitHr('own', 'Ready in its own namespace', isReady);
      await suite.apply('across', { ...app, targetNamespace: target() });
      await deniedInApiWords(suite, 'across', `system:serviceaccount:${namespace.name}:${TENANT}`);
    });
  });
});
