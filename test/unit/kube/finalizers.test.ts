import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HelmRelease } from '../../../src/api/objects.ts';
import { uninstallFailedMessage } from '../../../src/helmrelease/actions/uninstall.ts';
import { FINALIZER, hasFinalizer, waysOut } from '../../../src/kube/finalizers.ts';

describe('capstan finalizer', () => {
  it('is found among other finalizers', () => {
    assert.equal(hasFinalizer({ metadata: { name: 'a', finalizers: ['other', FINALIZER] } }), true);
    assert.equal(hasFinalizer({ metadata: { name: 'a', finalizers: ['other'] } }), false);
    assert.equal(hasFinalizer({ metadata: { name: 'a' } }), false);
  });

  it('names the ways out of a held deletion for the kind at hand, as the HelmRelease has always said them', () => {
    const hr = { metadata: { name: 'web', namespace: 'team-a' }, spec: {} } as HelmRelease;
    const ways = waysOut('hr', hr, 10_000, 'the release (it stays installed)');
    assert.equal(ways,
      'Either fix that (capstan retries in 10 s, or at once on kubectl annotate hr web -n team-a --overwrite reconcile.capstan.dev/requestedAt="$(date +%s)"), ' +
      'or abandon the release (it stays installed) by setting spec.suspend: true or by removing the finalizer finalizers.capstan.dev: ' +
      'kubectl patch hr web -n team-a --type=json -p \'[{"op":"remove","path":"/metadata/finalizers"}]\'');
    assert.equal(uninstallFailedMessage(hr, new Error('helm said no'), 10_000), `uninstall of team-a/web failed, so the HelmRelease is kept: helm said no. ${ways}`);
  });
});
