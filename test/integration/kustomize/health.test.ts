// Health checks that fail fast: an object kstatus calls Failed (a Job out of retries, a Deployment
// past its progress deadline) ends the wait at once with HealthCheckFailed naming it, long before
// spec.timeout (5m here; every wait below is bounded at 60 s, which is what shows the timeout was
// not waited out), and nothing applied is deleted. The cluster's kube-controller-manager runs the
// job and deployment controllers; kwok fails the pods labelled capstan.test/outcome=fail and keeps
// those labelled never-ready from becoming Ready (test/cluster/kwok.yaml).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useControllers } from '../../support/in-process-controller.ts';
import { configMapYaml, deploymentYaml, ksCondition, ksReady, useKustomizationSuite } from '../../support/kustomization.ts';
import { kubectl } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';

/** A Job of one pod and no retries; `outcome: 'fail'` makes its pod fail. */
const jobYaml = (name: string, outcome?: string) => `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
spec:
  backoffLimit: 0
  template:
    metadata:
      labels: {app: ${name}${outcome ? `, capstan.test/outcome: ${outcome}` : ''}}
    spec:
      restartPolicy: Never
      containers: [{name: ${name}, image: registry.capstan.test/${name}:1}]
`;

describe('Kustomization health checks', () => {
  const namespace = useNamespace('kshealth');
  useControllers(namespace);
  const suite = useKustomizationSuite(namespace);
  const spec = (source: string, extra: Record<string, unknown> = {}) => ({
    sourceRef: { kind: 'GitRepository', name: source }, interval: '10m', retryInterval: '2s', timeout: '5m',
    prune: true, wait: true, targetNamespace: namespace.name, ...extra,
  });

  it('stops waiting as soon as a Job fails, names it with the fix, keeps what is applied, and applies the fixed Job', async () => {
    const source = await suite.source('migrate', { 'job.yaml': jobYaml('migrate', 'fail'), 'cm.yaml': configMapYaml('settings', '1') });
    await suite.apply('migrate', spec('migrate'));
    const failed = `health check failed: Job ${namespace.name}/migrate: failed: BackoffLimitExceeded: Job has reached the specified backoff limit ` +
      `(fix its cause, then kubectl delete job migrate -n ${namespace.name}: the next attempt runs it again)`;
    const ks = await suite.waitKs('migrate', 'HealthCheckFailed naming the failed Job', (k) => ksCondition(k, 'Ready')?.message === failed);
    const ready = ksCondition(ks, 'Ready');
    assert.equal(ready?.status, 'False');
    assert.equal(ready.reason, 'HealthCheckFailed');
    assert.equal(ks.status?.lastAppliedRevision, undefined);
    assert.equal(ks.status?.lastAttemptedRevision, source.revision);
    assert.ok(await suite.exists('job', 'migrate'), 'the failed Job stays, for its pods to be looked at');
    assert.ok(await suite.exists('configmap', 'settings'), 'nothing applied is deleted');
    await suite.waitEvent('migrate', 'Warning', 'HealthCheckFailed', /Job \S+\/migrate: failed: BackoffLimitExceeded/);

    // The fix the message gives: a Job's template cannot change in place, and the old one is done.
    const fixed = await source.push({ 'job.yaml': jobYaml('migrate') });
    // Deleted once an attempt of the fixed revision was made: one of the old revision still under
    // way could otherwise create the failing Job again.
    await suite.waitKs('migrate', 'the fixed revision attempted', (k) => k.status?.lastAttemptedRevision === fixed);
    await kubectl(['delete', 'job', 'migrate', '-n', namespace.name]);
    await suite.waitKs('migrate', 'Ready at the fixed revision', (k) => ksReady(k) && k.status?.lastAppliedRevision === fixed);
  });

  it('stops waiting as soon as a Deployment is past its progress deadline', async () => {
    const deployment = deploymentYaml('web', 'never-ready').replace('spec:\n  replicas: 1', 'spec:\n  progressDeadlineSeconds: 1\n  replicas: 1');
    await suite.source('web', { 'web.yaml': deployment });
    await suite.apply('web', spec('web'));
    const ks = await suite.waitKs('web', 'HealthCheckFailed naming the Deployment', (k) => ksCondition(k, 'Ready')?.reason === 'HealthCheckFailed');
    // The counts depend on how far the rollout got by the deadline (1 s).
    assert.match(ksCondition(ks, 'Ready')?.message ?? '', new RegExp(`^health check failed: Deployment ${namespace.name}/web: .*progress deadline exceeded$`));
    assert.ok(await suite.exists('deployment', 'web'), 'nothing applied is deleted');
  });
});
