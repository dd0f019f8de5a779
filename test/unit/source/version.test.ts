// Chart versions as Helm (Masterminds/semver v3 NewVersion and Compare) reads and orders them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareVersions, parseVersion } from '../../../src/source/version.ts';

describe('parseVersion', () => {
  it('reads partial, v-prefixed and zero-padded versions the lenient way Helm does', () => {
    assert.deepEqual(parseVersion('v1.2'), { major: 1n, minor: 2n, patch: 0n, prerelease: '', build: '', original: 'v1.2' });
    assert.deepEqual(parseVersion('01.02.03-rc.1+b.7'), { major: 1n, minor: 2n, patch: 3n, prerelease: 'rc.1', build: 'b.7', original: '01.02.03-rc.1+b.7' });
    assert.equal(parseVersion('18446744073709551615')?.major, 18446744073709551615n);
  });

  for (const text of ['', 'latest', 'V1.0.0', '1.2.3.4', '1.0.0-01', '1.0.0-', '1.0.0+', ' 1.0.0', '1.0.0 ', '18446744073709551616', '1.x']) {
    it(`refuses ${JSON.stringify(text)}, an entry Helm drops when it loads the index`, () => {
      assert.equal(parseVersion(text), undefined);
    });
  }
});

describe('compareVersions', () => {
  const ascending = [
    '0.0.1', '1.0.0-0', '1.0.0-1', '1.0.0-2', '1.0.0-10', '1.0.0-99999999999999999999', '1.0.0-alpha', '1.0.0-alpha.1',
    '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.2.0', '2.0.0',
  ];
  it('orders versions by precedence, numeric identifiers before alphanumeric ones', () => {
    for (let i = 1; i < ascending.length; i++) {
      const [a, b] = [parseVersion(ascending[i - 1] ?? ''), parseVersion(ascending[i] ?? '')];
      assert.ok(a && b);
      assert.equal(compareVersions(a, b), -1, `${a.original} < ${b.original}`);
      assert.equal(compareVersions(b, a), 1, `${b.original} > ${a.original}`);
    }
  });

  it('ignores build metadata, the v prefix and missing parts', () => {
    const [a, b, c] = ['1.0.0+a', 'v1.0.0+b', '1.0'].map((t) => parseVersion(t));
    assert.ok(a && b && c);
    assert.equal(compareVersions(a, b), 0);
    assert.equal(compareVersions(b, c), 0);
  });
});
