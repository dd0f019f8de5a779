import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Kustomization } from '../../../src/api/objects.ts';
import { deletionOf, prunedNote, pruneFailedMessage } from '../../../src/kustomize/deletion.ts';

const ks = (spec: Partial<Kustomization['spec']>): Kustomization => ({
  apiVersion: 'kustomize.capstan.dev/v1', kind: 'Kustomization', metadata: { name: 'web', namespace: 'apps' },
  spec: { sourceRef: { kind: 'GitRepository', name: 'shop' }, interval: '10m', ...spec },
} as Kustomization);

describe('Kustomization deletion', () => {
  it('prunes the inventory only with prune: true and not suspended', () => {
    assert.deepEqual(deletionOf(ks({ prune: true })), { prune: true });
    assert.deepEqual(deletionOf(ks({ prune: false })), { prune: false, why: 'spec.prune is not true' });
    assert.deepEqual(deletionOf(ks({})), { prune: false, why: 'spec.prune is not true' });
    assert.deepEqual(deletionOf(ks({ prune: true, suspend: true })), { prune: false, why: 'suspended (spec.suspend: true)' });
  });

  it('counts what was pruned out of the inventory, and says why the others were not', () => {
    assert.equal(prunedNote(['Deployment/apps/web', 'ConfigMap/apps/a'], 2), 'deleted with the Kustomization: 2 of 2 objects in its inventory pruned: Deployment/apps/web, ConfigMap/apps/a');
    assert.equal(prunedNote(['ConfigMap/apps/a'], 3),
      'deleted with the Kustomization: 1 of 3 objects in its inventory pruned: ConfigMap/apps/a; 2 objects already gone or kept (annotated kustomize.capstan.dev/prune: disabled, or owned by another Kustomization or a Helm release)');
    assert.equal(prunedNote([], 0), 'deleted with the Kustomization: 0 of 0 objects in its inventory pruned');
    assert.match(prunedNote([], 1), /: 0 of 1 object in its inventory pruned; 1 object already gone or kept/);
  });

  it('says why the Kustomization is kept and both ways out', () => {
    const cause = 'deletion of Deployment/apps/web was refused: forbidden';
    assert.equal(pruneFailedMessage(ks({ prune: true }), cause, 20_000),
      `deleting the objects of Kustomization apps/web failed, so it is kept: ${cause}. ` +
      'Either fix that (capstan retries in 20 s, or at once on kubectl annotate ks web -n apps --overwrite reconcile.capstan.dev/requestedAt="$(date +%s)"), ' +
      'or abandon its objects (they stay in place) by setting spec.suspend: true or by removing the finalizer finalizers.capstan.dev: ' +
      'kubectl patch ks web -n apps --type=json -p \'[{"op":"remove","path":"/metadata/finalizers"}]\'');
  });
});
