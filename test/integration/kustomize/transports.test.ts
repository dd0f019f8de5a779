// Kustomizations whose GitRepository reaches the loopback Git server over SSH (identity and
// known_hosts from a Secret) and over HTTPS (basic auth and a private CA from a Secret): applied,
// followed commit by commit, and kept as they were when spec.path no longer names a folder of the
// source, whether a commit moved it away or the spec was changed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Kustomization } from '../../../src/api/objects.ts';
import { useControllers } from '../../support/in-process-controller.ts';
import { configMapYaml, ksCondition, ksReady, useKustomizationSuite, type GitSource } from '../../support/kustomization.ts';
import { kubectlJson } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';

const SCHEMES = { ssh: 'ssh://', https: 'https://' } as const;

for (const transport of ['ssh', 'https'] as const) {
  describe(`Kustomization from a GitRepository over ${transport}`, () => {
    const namespace = useNamespace(`ks-${transport}`);
    useControllers(namespace);
    const suite = useKustomizationSuite(namespace, transport);
    const spec = (path: string) => ({
      sourceRef: { kind: 'GitRepository', name: 'app' }, path, interval: '10m', retryInterval: '1s', timeout: '20s',
      prune: true, targetNamespace: namespace.name,
    });
    let source: GitSource;
    let good: Kustomization;

    it('reaches Ready, applies its objects, and follows a pushed commit', async () => {
      source = await suite.source('app', { 'deploy/a.yaml': configMapYaml('a', '1'), 'deploy/b.yaml': configMapYaml('b', '1') });
      const repo = await kubectlJson<{ spec: { url: string; secretRef?: { name: string } } }>(['get', 'gitrepo', 'app', '-n', namespace.name]);
      assert.ok(repo.spec.url.startsWith(SCHEMES[transport]), repo.spec.url);
      assert.ok(repo.spec.secretRef, 'the credentials come from a Secret');

      await suite.apply('app', spec('./deploy'));
      const first = await suite.waitKs('app', 'Ready', ksReady);
      assert.equal(first.status?.lastAppliedRevision, source.revision);
      assert.equal(await suite.configMapValue('a'), '1');
      assert.equal(await suite.configMapValue('b'), '1');

      const second = await source.push({ 'deploy/a.yaml': configMapYaml('a', '2') });
      good = await suite.waitKs('app', 'Ready at the pushed commit', (k) => ksReady(k) && k.status?.lastAppliedRevision === second);
      assert.equal(await suite.configMapValue('a'), '2');
      await suite.waitEvent('app', 'Normal', 'Progressing', /0 created, 1 configured, 1 unchanged, 0 pruned/);
    });

    /** Ready=False PathNotFound naming `path` and the fix, a Warning, and nothing applied changed or pruned. */
    const keepsAppliedOnMissingPath = async (path: string, attempted: (ks: Kustomization) => boolean) => {
      const message = `spec.path ${path} does not exist in the source; fix spec.path (it is relative to the repository root)`;
      const ks = await suite.waitKs('app', `PathNotFound for ${path}`, (k) => ksCondition(k, 'Ready')?.reason === 'PathNotFound' && attempted(k));
      assert.equal(ksCondition(ks, 'Ready')?.status, 'False');
      assert.equal(ksCondition(ks, 'Ready')?.message, message);
      assert.equal(ks.status?.lastAppliedRevision, good.status?.lastAppliedRevision, 'the last applied revision is kept');
      assert.deepEqual(ks.status?.inventory, good.status?.inventory, 'the last good inventory is kept');
      await suite.waitEvent('app', 'Warning', 'PathNotFound', new RegExp(`^${message.replace(/[.()]/g, '\\$&')}$`));
      assert.equal(await suite.configMapValue('a'), '2', 'not changed');
      assert.equal(await suite.configMapValue('b'), '1', 'not pruned');
    };

    it('keeps what is applied when a commit moves spec.path away, and when spec.path is changed to a missing folder', async () => {
      const moved = await source.push({
        'deploy/a.yaml': null, 'deploy/b.yaml': null,
        'apps/a.yaml': configMapYaml('a', '3'), 'apps/b.yaml': configMapYaml('b', '3'),
      });
      await keepsAppliedOnMissingPath('./deploy', (k) => k.status?.lastAttemptedRevision === moved);

      await suite.apply('app', spec('./nowhere'));
      await keepsAppliedOnMissingPath('./nowhere', (k) => k.status?.observedGeneration === k.metadata.generation);

      await suite.apply('app', spec('./apps'));
      await suite.waitKs('app', 'Ready at the fixed path', (k) => ksReady(k) && k.status?.lastAppliedRevision === moved);
      assert.equal(await suite.configMapValue('a'), '3');
      assert.equal(await suite.configMapValue('b'), '3');
    });
  });
}
