import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { HelmRelease } from '../../../src/api/objects.ts';
import { releaseName, releaseNamespace } from '../../../src/helmrelease/naming.ts';

const hr = (name: string, spec: Partial<HelmRelease['spec']> = {}): HelmRelease => ({
  metadata: { name, namespace: 'team-a' },
  spec: { interval: '10m', chart: { spec: { chart: 'app', sourceRef: { kind: 'HelmRepository', name: 'r' } } }, ...spec },
});

describe('release naming', () => {
  it('uses releaseName when set', () => {
    assert.equal(releaseName(hr('web', { releaseName: 'custom', targetNamespace: 'prod' })), 'custom');
  });

  it('is the HelmRelease name when not delegated, in the HelmRelease namespace', () => {
    assert.equal(releaseName(hr('web')), 'web');
    assert.equal(releaseNamespace(hr('web')), 'team-a');
  });

  it('is <targetNamespace>-<name> when delegated, living in the target namespace', () => {
    assert.equal(releaseName(hr('web', { targetNamespace: 'prod' })), 'prod-web');
    assert.equal(releaseNamespace(hr('web', { targetNamespace: 'prod' })), 'prod');
  });

  it('keeps 53 characters exactly, and shortens 54 to the first 40 + "-" + 12 hex of its sha256', () => {
    const exact = 'a'.repeat(53);
    assert.equal(releaseName(hr(exact)), exact);
    const long = `${'b'.repeat(30)}-${'c'.repeat(23)}`;
    const name = releaseName(hr('c'.repeat(23), { targetNamespace: 'b'.repeat(30) }));
    assert.equal(name, `${long.slice(0, 40)}-${createHash('sha256').update(long).digest('hex').slice(0, 12)}`);
    assert.equal(name.length, 53);
  });
});
