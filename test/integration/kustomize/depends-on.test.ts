// dependsOn between Kustomizations and across kinds (a HelmRelease after a Kustomization, a
// Kustomization after a HelmRelease): a dependent waits while its dependency is not Ready at its
// latest generation, goes on as soon as it is, and a cycle stalls with the cycle spelled out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { condition, fixtureChartSpec, isReady, useHelmReleaseSuite } from '../../support/helmrelease.ts';
import { useControllers } from '../../support/in-process-controller.ts';
import { configMapYaml, deploymentYaml, ksCondition, ksReady, useKustomizationSuite } from '../../support/kustomization.ts';
import { useNamespace } from '../../support/namespace.ts';
import { HELM_MAJORS } from '../../support/paths.ts';

describe('Kustomization dependsOn', () => {
  const major = HELM_MAJORS[1];
  const namespace = useNamespace('ksdeps');
  const running = useControllers(namespace, { helm: major });
  const hrs = useHelmReleaseSuite(namespace, running, major);
  const suite = useKustomizationSuite(namespace);
  const spec = (source: string, path: string, extra: Record<string, unknown> = {}) => ({
    sourceRef: { kind: 'GitRepository', name: source }, path, interval: '10m', retryInterval: '2s', timeout: '3s',
    prune: true, targetNamespace: namespace.name, ...extra,
  });

  it('waits for a Kustomization that is not healthy yet, and applies once it is', async () => {
    const source = await suite.source('stack', { 'db/db.yaml': deploymentYaml('db', 'never-ready'), 'web/web.yaml': configMapYaml('web', '1') });
    await suite.apply('db', spec('stack', './db', { healthChecks: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'db' }] }));
    await suite.apply('web', spec('stack', './web', { dependsOn: [{ name: 'db' }] }));
    await suite.waitReason('db', 'HealthCheckFailed');
    // web may have first looked while db was still waiting for health; its next look names the failure.
    const failedDependency = new RegExp(`^waiting for dependency ${namespace.name}/db to be Ready \\(now: health check timed out`);
    const waiting = await suite.waitKs('web', 'waiting on the failed db', (k) => failedDependency.test(ksCondition(k, 'Ready')?.message ?? ''));
    assert.equal(ksCondition(waiting, 'Ready')?.status, 'False');
    assert.equal(ksCondition(waiting, 'Ready')?.reason, 'DependencyNotReady');
    assert.equal(await suite.exists('configmap', 'web'), false, 'nothing of web is applied');

    const fixed = await source.push({ 'db/db.yaml': deploymentYaml('db') });
    await suite.waitKs('db', 'Ready at the fixed revision', (k) => ksReady(k) && k.status?.lastAppliedRevision === fixed);
    await suite.waitKs('web', 'Ready once db is', ksReady);
    assert.ok(await suite.exists('configmap', 'web'));
  });

  it('orders across kinds: a HelmRelease after a Kustomization, a Kustomization after that HelmRelease', async () => {
    // The base's source does not exist yet: the whole chain waits on it.
    await suite.apply('base', spec('cross', './base'));
    await hrs.apply('middle', { interval: '10m', ...fixtureChartSpec('app', '1.0.0'), dependsOn: [{ kind: 'Kustomization', name: 'base' }] });
    await suite.apply('top', spec('cross', './top', { dependsOn: [{ kind: 'HelmRelease', name: 'middle' }] }));
    const base = await suite.waitReason('base', 'ArtifactNotReady');
    assert.match(ksCondition(base, 'Ready')?.message ?? '', new RegExp(`GitRepository ${namespace.name}/cross does not exist: create it or fix spec.sourceRef`));
    const middle = await hrs.waitReason('middle', 'DependencyNotReady');
    assert.match(condition(middle, 'Ready')?.message ?? '', new RegExp(`^waiting for dependency Kustomization ${namespace.name}/base to be Ready`));
    const top = await suite.waitReason('top', 'DependencyNotReady');
    assert.match(ksCondition(top, 'Ready')?.message ?? '', new RegExp(`^waiting for dependency HelmRelease ${namespace.name}/middle to be Ready`));
    assert.equal(await suite.exists('configmap', 'top'), false);

    await suite.source('cross', { 'base/base.yaml': configMapYaml('base', '1'), 'top/top.yaml': configMapYaml('top', '1') });
    await suite.waitKs('base', 'Ready', ksReady);
    await hrs.waitHr('middle', 'Ready after base', isReady);
    await suite.waitKs('top', 'Ready after middle', ksReady);
    assert.ok(await suite.exists('configmap', 'top'));
  });

  it('stalls a cycle, between Kustomizations and across kinds, spelling it out', async () => {
    await suite.apply('ring-a', spec('nowhere', './', { dependsOn: [{ name: 'ring-b' }] }));
    await suite.apply('ring-b', spec('nowhere', './', { dependsOn: [{ name: 'ring-a' }] }));
    const ring = await suite.waitReason('ring-a', 'DependencyCycle');
    assert.equal(ksCondition(ring, 'Stalled')?.status, 'True');
    const ns = namespace.name;
    assert.equal(ksCondition(ring, 'Ready')?.message, `dependsOn forms a cycle: ${ns}/ring-a -> ${ns}/ring-b -> ${ns}/ring-a; remove one of these dependencies`);
    await suite.waitEvent('ring-a', 'Warning', 'DependencyCycle');

    await suite.apply('loop', spec('nowhere', './', { dependsOn: [{ kind: 'HelmRelease', name: 'loop' }] }));
    await hrs.apply('loop', { interval: '10m', ...fixtureChartSpec('app', '1.0.0'), dependsOn: [{ kind: 'Kustomization', name: 'loop' }] });
    const ks = await suite.waitReason('loop', 'DependencyCycle');
    assert.equal(ksCondition(ks, 'Ready')?.message, `dependsOn forms a cycle: ${ns}/loop -> HelmRelease ${ns}/loop -> ${ns}/loop; remove one of these dependencies`);
    const hr = await hrs.waitReason('loop', 'DependencyCycle');
    assert.equal(condition(hr, 'Stalled')?.status, 'True');
    assert.equal(condition(hr, 'Ready')?.message, `dependsOn forms a cycle: ${ns}/loop -> Kustomization ${ns}/loop -> ${ns}/loop; remove one of these dependencies`);
  });
});
