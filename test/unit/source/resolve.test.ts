// Which chart version capstan picks: the one `helm pull --version C` picks from the same index.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidConstraintError, type PrereleaseScope } from '../../../src/source/constraint.ts';
import type { ChartVersion } from '../../../src/source/index-model.ts';
import { ChartVersionNotFoundError, helmOrder, resolveChartVersion, resolveOptionsForHelm, type ResolveOptions } from '../../../src/source/resolve.ts';

const REPO = 'https://charts.example.com';

function entries(...versions: (string | [string, string])[]): ChartVersion[] {
  return versions.map((v, i) => {
    const [version, created] = typeof v === 'string' ? [v, undefined] : v;
    return { version, urls: [`app-${i}.tgz`], ...(created ? { created } : {}) };
  });
}

function pick(versions: ChartVersion[], constraint?: string, options: ResolveOptions | PrereleaseScope = {}): string {
  const resolved = resolveChartVersion({ chart: 'app', repository: REPO, versions }, constraint, typeof options === 'string' ? { prereleases: options } : options);
  return resolved.version;
}

function pickUrl(versions: ChartVersion[], constraint: string, options: ResolveOptions): string | undefined {
  return resolveChartVersion({ chart: 'app', repository: REPO, versions }, constraint, options).urls[0];
}

describe('resolveChartVersion', () => {
  /** [index versions, constraint, version helm pulls] */
  const rows: [string[], string, string][] = [
    [['1.0.0', '1.2.0', '2.0.0', '1.10.0'], '^1.0.0', '1.10.0'],
    [['1.0.0', '1.2.0', '2.0.0'], '~1.0', '1.0.0'],
    [['1.0.0', '1.2.0', '2.0.0'], '>1.0.0 <2.0.0', '1.2.0'],
    [['1.0.0', '1.2.0', '2.0.0'], '1.x || 3.x', '1.2.0'],
    [['1.0.0', '1.2.0', '2.0.0'], '1.0 - 1.1', '1.0.0'],
    [['1.0.0', 'v1.2.0', '2.0.0-rc.1'], '>=1', 'v1.2.0'],
    [['1.0.0', '1.2.0', '2.0.0-rc.1'], '>=1.0.0-0', '2.0.0-rc.1'],
    [['1.0.0', '1.2.0', '2.0.0-rc.1'], '2.0.0-rc.1', '2.0.0-rc.1'],
    [['0.1.0', '0.2.0', '1.0.0'], '^0.1', '0.1.0'],
    [['1.0.0', '1.2.3', '1.2.3-beta'], '1.2.3', '1.2.3'],
  ];
  for (const [versions, constraint, expected] of rows) {
    it(`picks ${expected} from [${versions.join(', ')}] for "${constraint}"`, () => {
      assert.equal(pick(entries(...versions), constraint), expected);
    });
  }

  it('picks the latest stable version when the constraint is empty', () => {
    assert.equal(pick(entries('1.0.0', '2.0.0-beta', '1.5.0')), '1.5.0');
    assert.equal(pick(entries('1.0.0', '2.0.0-beta', '1.5.0'), ''), '1.5.0');
  });

  it('prefers an entry whose version string is the constraint over a higher match', () => {
    // "1.0" alone means ~1.0, which 1.0.5 satisfies; the exact string wins first.
    assert.equal(pick(entries('1.0.5', '1.0'), '1.0'), '1.0');
    assert.equal(pick(entries('1.0.0+b', '1.0.0+a'), '1.0.0+a'), '1.0.0+a');
  });

  it('keeps index order between versions equal up to build metadata, ignoring created', () => {
    const older = ['1.0.0+old', '2020-01-01T00:00:00Z'] as [string, string];
    const newer = ['1.0.0+new', '2024-01-01T00:00:00Z'] as [string, string];
    assert.equal(pick(entries(older, newer), '1.0.0'), '1.0.0+old');
    assert.equal(pick(entries(newer, older), '1.0.0'), '1.0.0+new');
    assert.equal(pick(entries('v1.0.0', '1.0'), '>=1'), 'v1.0.0');
  });

  it('orders ties beyond 12 entries as Go\'s unstable sort does (helm 3.17 and 4.1 pull 1.0.0+b8 here)', () => {
    const versions = Array.from({ length: 16 }, (_, i) => (i % 4 === 3 ? `0.9.${i}` : `1.0.0+b${i}`));
    assert.equal(pick(entries(...versions)), '1.0.0+b8');
    assert.equal(pick(entries(...versions), '1.0.0'), '1.0.0+b8');
  });

  it('orders ties as the Go that built helm does: helm 3.17.3 (Go 1.23) and 4.1.4 (Go 1.25) differ here', () => {
    const versions = entries('1', '1.0.0-rc.1', '0.9.0', '1.0', '1.0.0-rc.1', '0.9.0', '1', '1', '1.0', '1', '1.0.0+b1', '1.0.0+b3', 'v1.0.0', '1.0.0+b1', '1');
    assert.equal(pickUrl(versions, '1.0.0+b1', { goSort: 'go1.19' }), 'app-10.tgz');
    assert.equal(pickUrl(versions, '1.0.0+b1', { goSort: 'go1.24' }), 'app-13.tgz');
  });

  it('skips entries that are not semver, as helm drops them when it loads the index', () => {
    assert.equal(pick(entries('latest', '1.2.3.4', '1.0.0-01', '0.5.0'), '>=0'), '0.5.0');
  });

  it('follows the prerelease rule of the helm in use', () => {
    const versions = entries('1.0.0', '2.0.0-beta');
    assert.equal(pick(versions, '!=1.5.0', 'comparison'), '2.0.0-beta');
    assert.equal(pick(versions, '!=1.5.0', 'and-group'), '1.0.0');
  });

  it('returns the index entry itself, with its URLs and digest', () => {
    const versions = [{ version: '1.0.0', urls: ['a.tgz', 'b.tgz'], digest: 'abc', extra: 1 }];
    const entry = resolveChartVersion({ chart: 'app', repository: REPO, versions }, '1.x');
    assert.equal(entry, versions[0]);
  });

  it('refuses an invalid constraint before looking at the index', () => {
    assert.throws(() => pick(entries('1.0.0'), '>= one'), (err: unknown) => {
      assert.ok(err instanceof InvalidConstraintError);
      assert.equal(err.reason, 'InvalidConstraint');
      assert.equal(err.constraint, '>= one');
      return true;
    });
  });

  it('says what matched nothing and names the latest stable version', () => {
    assert.throws(() => pick(entries('1.0.0', '1.5.0', '3.0.0-rc.1'), '^2.0.0'), (err: unknown) => {
      assert.ok(err instanceof ChartVersionNotFoundError);
      assert.equal(err.message, `no chart "app" with version matching "^2.0.0" in ${REPO} (latest stable: 1.5.0)`);
      assert.equal(err.reason, 'ChartVersionNotFound');
      assert.equal(err.latestStable, '1.5.0');
      return true;
    });
  });

  it('finds no latest stable version in an index of prereleases only', () => {
    assert.throws(() => pick(entries('1.0.0-alpha', 'latest')), (err: unknown) =>
      err instanceof ChartVersionNotFoundError && err.latestStable === undefined && /\(latest stable: none\)$/.test(err.message));
  });
});

describe('resolveOptionsForHelm', () => {
  it('reads the rules of a helm binary from its version and the Go that built it', () => {
    assert.deepEqual(resolveOptionsForHelm({ version: 'v3.17.3', goVersion: 'go1.23.7' }), { prereleases: 'comparison', goSort: 'go1.19' });
    assert.deepEqual(resolveOptionsForHelm({ version: 'v3.18.6', goVersion: 'go1.24.6' }), { prereleases: 'comparison', goSort: 'go1.24' });
    assert.deepEqual(resolveOptionsForHelm({ version: 'v4.1.4', goVersion: 'go1.25.9' }), { prereleases: 'and-group', goSort: 'go1.24' });
  });
});

describe('helmOrder', () => {
  it('lists the entries helm keeps, newest first', () => {
    assert.deepEqual(helmOrder(entries('1.0.0', 'nope', '2.0.0-rc.1', '2.0.0', '0.1')).map((e) => e.version), ['2.0.0', '2.0.0-rc.1', '1.0.0', '0.1']);
  });
});
