// Charts from Git: the chart folder a path names, the version a strategy gives, and packaging from
// a stored artifact with the real helm binaries (no cluster needed): once per artifact and folder.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import type { GitRepository } from '../../../src/api/objects.ts';
import { ChartCache } from '../../../src/source/chart-cache.ts';
import { ChartSource } from '../../../src/source/chart-source.ts';
import { SourceForbiddenError, SourceNotReadyError } from '../../../src/source/errors.ts';
import { chartFolder, GitChartError, GitCharts, repositoriesFile, versionOverride } from '../../../src/source/git-chart.ts';
import { GitArtifactStore } from '../../../src/source/gitrepository/artifact.ts';
import { capstanHelm } from '../../support/helm.ts';
import { HELM_MAJORS } from '../../support/paths.ts';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';

describe('chartFolder', () => {
  it('reads paths relative to the artifact root, as Flux does', () => {
    for (const path of ['./charts/app', 'charts/app', '/charts/app', 'charts/app/', './charts/../charts/app']) assert.equal(chartFolder(path), 'charts/app', path);
    for (const path of ['.', './', '/', '']) assert.equal(chartFolder(path), '', path);
  });
  it('refuses a path that leaves the root', () => {
    for (const path of ['..', '../app', './charts/../../app', '/../app']) assert.equal(chartFolder(path), undefined, path);
  });
});

describe('versionOverride', () => {
  it('keeps Chart.yaml\'s version under ChartVersion', () => {
    assert.equal(versionOverride('1.2.3', 'ChartVersion', `main@sha1:${COMMIT}`), undefined);
  });
  it('adds the commit\'s first 12 hex digits as build metadata under Revision, replacing any', () => {
    assert.equal(versionOverride('1.2.3', 'Revision', `main@sha1:${COMMIT}`), '1.2.3+0123456789ab');
    assert.equal(versionOverride('1.2.3-rc.1+old', 'Revision', `sha1:${COMMIT}`), '1.2.3-rc.1+0123456789ab');
  });
});

describe('repositoriesFile', () => {
  it('names each HTTP(S) repository once, and leaves OCI and file dependencies to helm', () => {
    const file = JSON.parse(repositoriesFile(['https://b.example/charts', 'oci://r.example/c', 'file://../x', 'https://b.example/charts', 'http://a.example', ''])) as unknown;
    assert.deepEqual(file, { apiVersion: '', repositories: [{ name: 'dependency-0', url: 'http://a.example' }, { name: 'dependency-1', url: 'https://b.example/charts' }] });
  });
});

const CHART = { 'charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 1.2.3\n', 'charts/app/templates/cm.yaml': 'kind: ConfigMap\n' };

async function artifactOf(files: Record<string, string>, links: Record<string, string> = {}) {
  const root = await mkdtemp(join(tmpdir(), 'capstan-git-chart-tree-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  for (const [path, target] of Object.entries(links)) await symlink(target, join(root, path));
  const store = new GitArtifactStore(await mkdtemp(join(tmpdir(), 'capstan-git-chart-store-')));
  const artifact = await store.put(root, [...Object.keys(files), ...Object.keys(links)]);
  const repository: GitRepository = {
    apiVersion: 'source.capstan.dev/v1', kind: 'GitRepository', metadata: { name: 'repo', namespace: 'team' },
    spec: { url: 'https://git.example/repo', interval: '1m' },
    status: { artifact: { revision: `main@sha1:${COMMIT}`, digest: artifact.digest, lastUpdateTime: '2026-01-01T00:00:00Z' } },
  };
  return { store, repository };
}

for (const major of HELM_MAJORS) {
  describe(`GitCharts with ${major.name}`, () => {
    const charts = async (store: GitArtifactStore) => {
      let spawned = 0;
      const helm = await capstanHelm(major, { observe: () => { spawned++; } });
      const cache = new ChartCache({ dir: await mkdtemp(join(tmpdir(), 'capstan-git-chart-cache-')) });
      return { charts: new GitCharts({ store, cache, helm }), spawned: () => spawned, cache };
    };

    it('packages the chart folder once per artifact and folder, and finds the package again', async () => {
      const { store, repository } = await artifactOf(CHART);
      const { charts: git, spawned, cache } = await charts(store);
      const chart = await git.resolve(repository, './charts/app', 'ChartVersion');
      assert.deepEqual([chart.name, chart.version, chart.digest, chart.revision], ['app', '1.2.3', '1.2.3', `main@sha1:${COMMIT}`]);
      assert.equal(spawned(), 1, 'one helm package');
      const again = await git.resolve(repository, 'charts/app', 'ChartVersion');
      const fetched = await git.fetch(again);
      assert.equal(spawned(), 1, 'nothing packaged again');
      assert.match(fetched.digest, /^sha256:[0-9a-f]{64}$/);
      assert.deepEqual((await readdir(cache.dir)).filter((f) => f.endsWith('.tgz')), [`${fetched.digest.slice(7)}.tgz`]);
      const revision = await git.resolve(repository, './charts/app', 'Revision');
      assert.equal(revision.version, '1.2.3+0123456789ab');
      assert.equal((await git.fetch(revision)).version, '1.2.3+0123456789ab');
      assert.equal(spawned(), 2, 'Revision makes a package of its own version');
    });

    it('names the path and the fix when there is no chart there', async () => {
      const outside = await mkdtemp(join(tmpdir(), 'capstan-outside-'));
      await writeFile(join(outside, 'Chart.yaml'), 'apiVersion: v2\nname: x\nversion: 1.0.0\n');
      const { store, repository } = await artifactOf({ ...CHART, 'docs/readme.md': '# docs\n' }, { 'escape': outside });
      const { charts: git, spawned } = await charts(store);
      const cases: [string, RegExp][] = [
        ['./charts/missing', /no chart at "\.\/charts\/missing" in GitRepository team\/repo \(main@sha1:[0-9a-f]+\): the path does not exist; set chart\.spec\.chart/],
        ['./docs', /no chart at "\.\/docs" .*: the folder has no Chart\.yaml/],
        ['./docs/readme.md', /the path is a file, not a folder/],
        ['./escape', /the path is a link that leaves the repository/],
        ['../elsewhere', /the chart path "\.\.\/elsewhere" leaves the root of GitRepository team\/repo/],
      ];
      for (const [path, message] of cases) {
        await assert.rejects(git.resolve(repository, path, 'ChartVersion'), (err: unknown) => {
          assert.ok(err instanceof GitChartError, String(err));
          assert.equal(err.reason, 'ChartNotFound');
          assert.match(err.message, message);
          return true;
        }, path);
      }
      assert.equal(spawned(), 0);
    });

    it('reports a chart helm cannot package as ChartPackageFailed', async () => {
      const { store, repository } = await artifactOf({ 'Chart.yaml': 'apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - {name: gone, version: 1.0.0, repository: "file://../gone"}\n' });
      const { charts: git } = await charts(store);
      await assert.rejects(git.resolve(repository, '.', 'ChartVersion'), (err: unknown) => {
        assert.ok(err instanceof GitChartError, String(err));
        assert.equal(err.reason, 'ChartPackageFailed');
        assert.match(err.message, /packaging the chart "\." of GitRepository team\/repo \(main@sha1:[0-9a-f]+\) failed: .*check that Chart\.lock matches Chart\.yaml/s);
        return true;
      });
    });

    it('waits for a GitRepository without an artifact', async () => {
      const { store, repository } = await artifactOf(CHART);
      const { charts: git } = await charts(store);
      const { artifact: _, ...status } = repository.status ?? {};
      await assert.rejects(git.resolve({ ...repository, status }, './charts/app', 'ChartVersion'), (err: unknown) =>
        err instanceof SourceNotReadyError && /GitRepository team\/repo has no artifact yet/.test(err.message));
    });
  });
}

describe('ChartSource with a GitRepository', () => {
  it('refuses one in another namespace when cross-namespace references are disabled', async () => {
    const { store, repository } = await artifactOf(CHART);
    const source = new ChartSource({
      client: undefined as never, repositories: () => undefined, indexCache: undefined as never, chartCache: undefined as never, helmBinary: '',
      resolveOptions: {}, allowCrossNamespace: false,
      git: { repositories: () => repository, charts: new GitCharts({ store, cache: undefined as never, helm: undefined as never }) },
    });
    const request = { namespace: 'apps', chart: './charts/app', version: '*', sourceRef: { kind: 'GitRepository', name: 'repo', namespace: 'team' }, field: 'chart.spec.sourceRef' };
    await assert.rejects(source.resolve(request), (err: unknown) =>
      err instanceof SourceForbiddenError && /GitRepository team\/repo is in another namespace, which this controller forbids \(--no-cross-namespace-refs\)/.test(err.message));
  });
});
