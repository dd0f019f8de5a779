// The Kustomization reconciler end to end: plain YAML from a Git repository served on loopback,
// applied to the real API server, followed commit by commit; pruning, suspension, health checks,
// and bad input (a build error, an unset variable, an object the API server rejects), which must
// leave what is applied as it was.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { capstan, tableRows } from '../../support/capstan-cli.ts';
import { applyAll, notificationObject, startSink, waitReady } from '../notification/support.ts';
import { useControllers } from '../../support/in-process-controller.ts';
import { configMapYaml, deploymentYaml, ksCondition, ksReady, useKustomizationSuite } from '../../support/kustomization.ts';
import { kubectl, kubectlJson } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { keepsHolding, waitFor } from '../../support/wait.ts';

describe('Kustomization', () => {
  const namespace = useNamespace('ks');
  const running = useControllers(namespace);
  const suite = useKustomizationSuite(namespace);
  const spec = (source: string, extra: Record<string, unknown> = {}) => ({
    sourceRef: { kind: 'GitRepository', name: source }, interval: '10m', retryInterval: '2s', timeout: '20s',
    prune: true, targetNamespace: namespace.name, ...extra,
  });
  const valueOf = suite.configMapValue;
  const ids = (names: string[]) => names.map((n) => `${namespace.name}_${n}__ConfigMap`).sort();
  const inventoryOf = (ks: Awaited<ReturnType<typeof suite.get>>) => (ks.status?.inventory?.entries ?? []).map((e) => e.id).sort();

  it('applies plain YAML from Git and follows a new commit, with events counting the changes', async () => {
    const source = await suite.source('app', { 'deploy/a.yaml': configMapYaml('a', '1'), 'deploy/more/b.yml': configMapYaml('b', '1'), 'README.md': '# not applied\n' });
    const first = source.revision;
    await suite.apply('app', spec('app', { path: './deploy' }));
    let ks = await suite.waitKs('app', 'Ready', ksReady);
    assert.equal(ks.status?.lastAppliedRevision, first);
    assert.equal(ks.status.lastAttemptedRevision, first);
    assert.equal(ksCondition(ks, 'Ready')?.reason, 'ReconciliationSucceeded');
    assert.equal(ksCondition(ks, 'Ready')?.message, `applied revision ${first}: 2 objects`);
    assert.deepEqual(inventoryOf(ks), ids(['a', 'b']));
    assert.equal(await valueOf('a'), '1');
    const labels = (await kubectlJson<{ metadata: { labels: Record<string, string> } }>(['get', 'configmap', 'a', '-n', namespace.name])).metadata.labels;
    assert.equal(labels['kustomize.capstan.dev/name'], 'app');
    await suite.waitEvent('app', 'Normal', 'Progressing', /^applied revision main@sha1:\w+: 2 created, 0 configured, 0 unchanged, 0 pruned; created: ConfigMap\//);
    await suite.waitEvent('app', 'Normal', 'ReconciliationSucceeded');

    const second = await source.push({ 'deploy/a.yaml': configMapYaml('a', '2'), 'deploy/c.yaml': configMapYaml('c', '1') });
    ks = await suite.waitKs('app', 'Ready at the new revision', (k) => ksReady(k) && k.status?.lastAppliedRevision === second);
    assert.deepEqual(inventoryOf(ks), ids(['a', 'b', 'c']));
    assert.equal(await valueOf('a'), '2');
    assert.equal(await valueOf('c'), '1');
    const applied = await suite.waitEvent('app', 'Normal', 'Progressing', /1 created, 1 configured, 1 unchanged, 0 pruned/);
    assert.equal(applied.metadata.annotations?.['event.capstan.dev/revision'], second);
  });

  it('shows in capstan get ks and reconciles on capstan reconcile ks', async () => {
    const applied = (await suite.get('app')).status?.lastAppliedRevision ?? '';
    const table = await capstan(['get', 'ks', '-n', namespace.name]);
    assert.equal(table.exitCode, 0, table.stderr);
    const row = tableRows(table.stdout).find((cells) => cells[0] === 'app');
    assert.ok(row?.includes(applied) && row.includes('True'), table.stdout);
    const reconciled = await capstan(['reconcile', 'ks', 'app', '-n', namespace.name, '--timeout', '30s']);
    assert.equal(reconciled.exitCode, 0, reconciled.stderr);
    assert.match(reconciled.stdout + reconciled.stderr, new RegExp(`applied revision ${applied}`));
    assert.ok((await suite.get('app')).status?.lastHandledReconcileAt, 'the request is handled');
  });

  it('sends its events, and its GitRepository\'s, to an Alert that names them as sources', async () => {
    const sink = await startSink();
    try {
      await applyAll(namespace.name, [
        notificationObject('Provider', 'hook', { type: 'generic', address: sink.listen('/hook') }),
        notificationObject('Alert', 'gitops', { providerRef: { name: 'hook' }, eventSources: [{ kind: 'Kustomization', name: 'alerted' }, { kind: 'GitRepository', name: 'alerted' }] }),
      ]);
      await waitReady(namespace.name, 'Alert', 'gitops');
      await suite.source('alerted', { 'a.yaml': configMapYaml('alerted', '1') });
      await suite.apply('alerted', spec('alerted'));
      await suite.waitKs('alerted', 'Ready', ksReady);
      const sent = async () => (await sink.waitFor('/hook', 1)).map((r) => JSON.parse(r.body) as { involvedObject: { kind: string }; reason: string; metadata: Record<string, string> });
      const applied = await waitFor('the Kustomization\'s Progressing event', async () =>
        (await sent()).find((b) => b.involvedObject.kind === 'Kustomization' && b.reason === 'Progressing'));
      assert.equal(applied.metadata.created, '1');
      // The GitRepository records its event after the status write suite.source waits for: it may come second.
      await waitFor('the GitRepository\'s NewArtifact event', async () =>
        ((await sent()).some((b) => b.involvedObject.kind === 'GitRepository' && b.reason === 'NewArtifact') ? true : undefined));
    } finally {
      await sink.close();
    }
  });

  it('resyncs an in-sync Kustomization without a single API write', async () => {
    await suite.source('steady', { 'a.yaml': configMapYaml('steady', '1') });
    await suite.apply('steady', spec('steady', { interval: '1s' }));
    const ready = await suite.waitKs('steady', 'Ready', ksReady);
    const reconciles = async () => (await running.metrics.reconcileTotal.get()).values
      .filter((v) => v.labels.kind === 'Kustomization').reduce((n, v) => n + v.value, 0);
    // Let the first resync (the one that saw the status written) pass before counting.
    const start = await reconciles();
    await waitFor('a first resync', async () => ((await reconciles()) >= start + 1 ? true : undefined), { timeoutMs: 20_000 });
    const writes = running.api.writes();
    const counted = await reconciles();
    await waitFor('three resyncs', async () => ((await reconciles()) >= counted + 3 ? true : undefined), { timeoutMs: 30_000 });
    assert.equal(running.api.writes(), writes, 'no object, status or event written');
    assert.equal((await suite.get('steady')).metadata.resourceVersion, ready.metadata.resourceVersion);
    await kubectl(['delete', 'kustomizations.kustomize.capstan.dev', 'steady', '-n', namespace.name]);
  });

  it('prunes objects that left the source with prune: true, and leaves them with prune: false', async () => {
    const source = await suite.source('pruning', {
      'on/x.yaml': configMapYaml('on-x', '1'), 'on/y.yaml': configMapYaml('on-y', '1'),
      'off/x.yaml': configMapYaml('off-x', '1'), 'off/y.yaml': configMapYaml('off-y', '1'),
    });
    await suite.apply('on', spec('pruning', { path: './on' }));
    await suite.apply('off', spec('pruning', { path: './off', prune: false }));
    await suite.waitKs('on', 'Ready', ksReady);
    await suite.waitKs('off', 'Ready', ksReady);
    const next = await source.push({ 'on/y.yaml': null, 'off/y.yaml': null });
    const on = await suite.waitKs('on', 'Ready at the new revision', (k) => ksReady(k) && k.status?.lastAppliedRevision === next);
    const off = await suite.waitKs('off', 'Ready at the new revision', (k) => ksReady(k) && k.status?.lastAppliedRevision === next);
    await waitFor('on-y deleted', async () => ((await valueOf('on-y')) === undefined ? true : undefined));
    assert.equal(await valueOf('off-y'), '1', 'prune: false leaves the object');
    assert.deepEqual(inventoryOf(on), ids(['on-x']));
    assert.deepEqual(inventoryOf(off), ids(['off-x']));
    await suite.waitEvent('on', 'Normal', 'Progressing', /0 created, 0 configured, 1 unchanged, 1 pruned; pruned: ConfigMap\/.*\/on-y/);
  });

  it('does not apply a suspended Kustomization until it is resumed', async () => {
    const source = await suite.source('paused', { 'a.yaml': configMapYaml('paused', '1') });
    await suite.apply('paused', spec('paused'));
    await suite.waitKs('paused', 'Ready', ksReady);
    await suite.apply('paused', spec('paused', { suspend: true }));
    const next = await source.push({ 'a.yaml': configMapYaml('paused', '2') });
    await keepsHolding('the object as it was', 3000, async () => (await valueOf('paused')) === '1');
    await suite.apply('paused', spec('paused'));
    await suite.waitKs('paused', 'Ready at the new revision', (k) => ksReady(k) && k.status?.lastAppliedRevision === next);
    assert.equal(await valueOf('paused'), '2');
  });

  it('says which object is not healthy when a health check times out', async () => {
    await suite.source('slow', { 'web.yaml': deploymentYaml('slow', 'never-ready'), 'cm.yaml': configMapYaml('slow', '1') });
    await suite.apply('slow', spec('slow', { wait: true, timeout: '3s' }));
    const ks = await suite.waitReason('slow', 'HealthCheckFailed');
    const ready = ksCondition(ks, 'Ready');
    assert.equal(ready?.status, 'False');
    assert.match(ready.message, new RegExp(`Deployment ${namespace.name}/slow: `));
    assert.equal(ks.status?.lastAppliedRevision, undefined);
    assert.ok(ks.status?.lastAttemptedRevision?.startsWith('main@sha1:'));
    assert.deepEqual(inventoryOf(ks), [`${namespace.name}_slow__ConfigMap`, `${namespace.name}_slow_apps_Deployment`].sort(), 'what was applied is in the inventory');
    await suite.waitEvent('slow', 'Warning', 'HealthCheckFailed', /Deployment /);
    await kubectl(['delete', 'kustomizations.kustomize.capstan.dev', 'slow', '-n', namespace.name]);
  });

  it('keeps what is applied on a build error and an unset variable: Ready=False with the reason and a Warning', async () => {
    const source = await suite.source('broken', { 'a.yaml': configMapYaml('broken-a', '${greeting}'), 'b.yaml': configMapYaml('broken-b', '1') });
    await suite.apply('broken', spec('broken', { postBuild: { substitute: { greeting: 'hello' } } }));
    const good = await suite.waitKs('broken', 'Ready', ksReady);
    assert.equal(await valueOf('broken-a'), 'hello');
    const unchanged = async () => {
      assert.equal(await valueOf('broken-a'), 'hello', 'not changed');
      assert.equal(await valueOf('broken-b'), '1', 'not deleted');
    };

    const notYaml = await source.push({ 'a.yaml': configMapYaml('broken-a', 'changed'), 'b.yaml': 'kind: [\n' });
    let ks = await suite.waitKs('broken', 'BuildFailed', (k) => ksCondition(k, 'Ready')?.reason === 'BuildFailed' && k.status?.lastAttemptedRevision === notYaml);
    assert.equal(ksCondition(ks, 'Ready')?.status, 'False');
    assert.match(ksCondition(ks, 'Ready')?.message ?? '', /^b\.yaml is not valid YAML: .* at line \d+, column \d+; fix the file or move it out of spec\.path$/);
    assert.equal(ks.status?.lastAppliedRevision, good.status?.lastAppliedRevision);
    assert.deepEqual(ks.status?.inventory, good.status?.inventory, 'the last good inventory is kept');
    await suite.waitEvent('broken', 'Warning', 'BuildFailed', /b\.yaml/);
    await unchanged();

    const unset = await source.push({ 'a.yaml': configMapYaml('broken-a', '${nobody_set_this}'), 'b.yaml': configMapYaml('broken-b', '2') });
    ks = await suite.waitKs('broken', 'SubstitutionFailed', (k) => ksCondition(k, 'Ready')?.reason === 'SubstitutionFailed' && k.status?.lastAttemptedRevision === unset);
    assert.match(ksCondition(ks, 'Ready')?.message ?? '', /nobody_set_this/);
    assert.deepEqual(ks.status?.inventory, good.status?.inventory);
    await suite.waitEvent('broken', 'Warning', 'SubstitutionFailed', /nobody_set_this/);
    await unchanged();

    const fixed = await source.push({ 'a.yaml': configMapYaml('broken-a', '${greeting:=unused}') });
    await suite.waitKs('broken', 'Ready again', (k) => ksReady(k) && k.status?.lastAppliedRevision === fixed);
    assert.equal(await valueOf('broken-b'), '2');
  });

  it('applies again when a ConfigMap of postBuild.substituteFrom changes', async () => {
    await kubectl(['create', 'configmap', 'vars', '-n', namespace.name, '--from-literal=colour=blue']);
    await suite.source('vars', { 'a.yaml': configMapYaml('painted', '${colour}') });
    await suite.apply('vars', spec('vars', { postBuild: { substituteFrom: [{ kind: 'ConfigMap', name: 'vars' }] } }));
    await suite.waitKs('vars', 'Ready', ksReady);
    assert.equal(await valueOf('painted'), 'blue');
    await kubectl(['create', 'configmap', 'vars', '-n', namespace.name, '--from-literal=colour=green', '--dry-run=client', '-o', 'yaml'])
      .then((out) => kubectl(['apply', '-f', '-'], { input: out.stdout }));
    await waitFor('the object to follow the variable', async () => ((await valueOf('painted')) === 'green' ? true : undefined), { timeoutMs: 20_000 });
  });

  it('applies nothing when the API server rejects one object, and names it', async () => {
    const source = await suite.source('rejected', { 'a.yaml': configMapYaml('rejected-a', '1') });
    await suite.apply('rejected', spec('rejected'));
    const good = await suite.waitKs('rejected', 'Ready', ksReady);
    const bad = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: bad-port\nspec:\n  ports: [{port: 99999}]\n';
    const next = await source.push({ 'a.yaml': configMapYaml('rejected-a', '2'), 'svc.yaml': bad });
    const ks = await suite.waitKs('rejected', 'ValidationFailed', (k) => ksCondition(k, 'Ready')?.reason === 'ValidationFailed' && k.status?.lastAttemptedRevision === next);
    const message = ksCondition(ks, 'Ready')?.message ?? '';
    assert.match(message, new RegExp(`Service/${namespace.name}/bad-port`));
    assert.match(message, /99999/, 'the API server\'s words');
    assert.equal(await valueOf('rejected-a'), '1', 'nothing applied');
    assert.equal(ks.status?.lastAppliedRevision, good.status?.lastAppliedRevision);
    assert.deepEqual(ks.status?.inventory, good.status?.inventory);
    await suite.waitEvent('rejected', 'Warning', 'ValidationFailed', /bad-port/);
  });
});
