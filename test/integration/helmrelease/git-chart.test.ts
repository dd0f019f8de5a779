// HelmReleases whose chart is kept in Git: the fixture chart `app` is pushed to a repository on the
// loopback Git server, and each commit is followed (or not, under reconcileStrategy ChartVersion)
// by the release, with helm 3 and helm 4.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HelmRelease } from '../../../src/api/objects.ts';
import { fixtureChartFiles } from '../../support/fixture-chart-files.ts';
import { createRepository, startGitServer, type GitServer, type TestRepository } from '../../support/git-server.ts';
import { condition, isReady, useHelmReleaseSuite } from '../../support/helmrelease.ts';
import { useControllers } from '../../support/in-process-controller.ts';
import { gitRepositorySuite, gitRepoYaml } from '../../support/gitrepository.ts';
import { kubectl, kubectlJson } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { HELM_MAJORS } from '../../support/paths.ts';

const snapshotOf = (hr: HelmRelease) => hr.status?.history?.[0];
const short = (commit: string) => commit.slice(0, 12);

describe('HelmRelease with a chart from Git', { concurrency: true }, () => {
  let server: GitServer;
  before(async () => { server = await startGitServer(); });
  after(async () => { await server.close(); });

  for (const major of HELM_MAJORS) {
    describe(`with ${major.name}`, { concurrency: false }, () => {
      const namespace = useNamespace(`hrgit${major.name.slice(-1)}`);
      const running = useControllers(namespace, { helm: major });
      const suite = useHelmReleaseSuite(namespace, running, major);
      const { apply, waitHr, waitReason } = suite;
      let repo: TestRepository;
      const commits: string[] = [];

      const gitRepos = gitRepositorySuite(namespace);
      const applyGitRepository = (name: string, path: string) => gitRepos.apply(gitRepoYaml(name, `${server.url}${path}`, '  ref: {branch: main}\n'));
      /** Pushes a commit and has the GitRepository `charts` fetch it (its interval is long). */
      const push = async (files: Record<string, string>) => {
        const commit = await repo.commit(files);
        commits.push(commit);
        await gitRepos.request('charts', commit);
        await gitRepos.waitReady('charts', 'True', (r) => r.status?.artifact?.revision === `main@sha1:${commit}`);
        return commit;
      };
      const fromGit = (chart: string, extra: Record<string, unknown> = {}) => ({
        interval: '10m', chart: { spec: { chart, sourceRef: { kind: 'GitRepository', name: 'charts' }, ...extra } },
      });
      const renderedConfig = async (release: string) =>
        (await kubectlJson<{ data: Record<string, string> }>(['get', 'configmap', `${release}-app-config`, '-n', namespace.name])).data;
      const reconciled = async (name: string) => {
        const at = new Date().toISOString();
        await suite.annotate(name, 'reconcile.capstan.dev/requestedAt', at);
        return waitHr(name, `requestedAt ${at} handled`, (hr) => hr.status?.lastHandledReconcileAt === at);
      };

      before(async () => {
        repo = await createRepository(server, `charts${major.name.slice(-1)}`);
        commits.push(await repo.commit(await fixtureChartFiles('app', 'charts/app', '1.0.0')));
      });

      it('waits while its GitRepository has no artifact, then installs at Chart.yaml\'s version; a resync packages nothing', async () => {
        await applyGitRepository('charts', '/nothing-here.git');
        // Once the controller has reported on it, its cache holds the GitRepository: a HelmRelease
        // looked at before that would rightly say the GitRepository does not exist, for its interval.
        await gitRepos.waitReady('charts', 'False');
        // chart.spec.version does not apply to a chart from Git: the chart's own version is used.
        await apply('web', fromGit('./charts/app', { version: '9.9.9' }));
        const waiting = await waitReason('web', 'SourceNotReady');
        assert.equal(condition(waiting, 'Ready')?.status, 'False');
        assert.match(condition(waiting, 'Ready')?.message ?? '', new RegExp(`GitRepository ${namespace.name}/charts has no artifact yet`));

        // The HelmRelease's interval is 10m: the new artifact itself brings it back.
        await applyGitRepository('charts', repo.path);
        const installed = await waitHr('web', 'Ready', isReady);
        assert.equal(condition(installed, 'Ready')?.reason, 'InstallSucceeded');
        assert.deepEqual(snapshotOf(installed), { ...snapshotOf(installed), chartName: 'app', chartVersion: '1.0.0', version: 1, sourceRevision: `main@sha1:${commits[0] ?? ''}` });
        assert.equal(installed.status?.lastAttemptedRevision, '1.0.0');
        assert.equal((await renderedConfig('web')).chartVersion, '1.0.0');

        const spawned = await suite.helmCount();
        await reconciled('web');
        assert.equal(await suite.helmCount(), spawned, 'no helm process: nothing packaged, nothing released');
      });

      it('upgrades on a chart version bump; a commit without one upgrades only with reconcileStrategy Revision', async () => {
        await apply('rev', fromGit('./charts/app', { reconcileStrategy: 'Revision' }));
        const first = await waitHr('rev', 'Ready', isReady);
        assert.equal(snapshotOf(first)?.chartVersion, `1.0.0+${short(commits[0] ?? '')}`);
        assert.equal((await renderedConfig('rev')).chartVersion, `1.0.0+${short(commits[0] ?? '')}`);

        const bump = await push(await fixtureChartFiles('app', 'charts/app', '1.1.0'));
        const upgraded = await waitHr('web', 'upgraded to 1.1.0', (hr) => isReady(hr) && snapshotOf(hr)?.chartVersion === '1.1.0');
        assert.deepEqual([snapshotOf(upgraded)?.version, snapshotOf(upgraded)?.sourceRevision], [2, `main@sha1:${bump}`]);
        await waitHr('rev', `upgraded to 1.1.0+${short(bump)}`, (hr) => isReady(hr) && snapshotOf(hr)?.chartVersion === `1.1.0+${short(bump)}`);

        const values = (await fixtureChartFiles('app', 'charts/app', '1.1.0'))['charts/app/values.yaml'] ?? '';
        const noBump = await push({ 'charts/app/values.yaml': values.replace('greeting: hello', 'greeting: from-git') });
        const followed = await waitHr('rev', `upgraded to 1.1.0+${short(noBump)}`, (hr) => isReady(hr) && snapshotOf(hr)?.chartVersion === `1.1.0+${short(noBump)}`);
        assert.equal(snapshotOf(followed)?.version, 3);
        assert.match((await renderedConfig('rev'))['values.json'] ?? '', /from-git/);

        const kept = await reconciled('web');
        assert.deepEqual([snapshotOf(kept)?.version, snapshotOf(kept)?.chartVersion, snapshotOf(kept)?.sourceRevision], [2, '1.1.0', `main@sha1:${bump}`]);
        assert.deepEqual((await suite.history('web')).map((h) => h.revision), [1, 2], 'ChartVersion: no upgrade without a new chart version');
        assert.doesNotMatch((await renderedConfig('web'))['values.json'] ?? '', /from-git/);

        // An upgrade for another reason keeps the package version 1.1.0 was first made from, as Flux's HelmChart does.
        await apply('web', { ...fromGit('./charts/app'), values: { config: { note: 'values-change' } } });
        const revalued = await waitHr('web', 'revision 3', (hr) => isReady(hr) && snapshotOf(hr)?.version === 3);
        assert.deepEqual([snapshotOf(revalued)?.chartVersion, snapshotOf(revalued)?.sourceRevision], ['1.1.0', `main@sha1:${bump}`]);
        const rendered = (await renderedConfig('web'))['values.json'] ?? '';
        assert.match(rendered, /values-change/);
        assert.doesNotMatch(rendered, /from-git/, 'the unversioned change of the tree stays out');
      });

      it('builds the dependencies a chart\'s Chart.lock pins, from their repository', async () => {
        const url = (await kubectl(['get', 'hrepo', 'fixtures', '-n', namespace.name, '-o', 'jsonpath={.spec.url}'])).stdout;
        const dir = await mkdtemp(join(tmpdir(), 'capstan-stack-'));
        const chartYaml = `apiVersion: v2\nname: stack\nversion: 0.1.0\ndependencies:\n  - name: app\n    version: 1.0.0\n    repository: ${url}\n`;
        await writeFile(join(dir, 'Chart.yaml'), chartYaml);
        const helm = await suite.helm();
        await helm(['dependency', 'update', dir]);
        // Only Chart.yaml and Chart.lock are committed: the controller fetches the dependency itself.
        await push({ 'charts/stack/Chart.yaml': chartYaml, 'charts/stack/Chart.lock': await readFile(join(dir, 'Chart.lock'), 'utf8') });
        await apply('stack', fromGit('charts/stack'));
        const hr = await waitHr('stack', 'Ready', isReady);
        assert.deepEqual([snapshotOf(hr)?.chartName, snapshotOf(hr)?.chartVersion], ['stack', '0.1.0']);
        assert.equal((await renderedConfig('stack')).chartVersion, '1.0.0', 'the subchart from the repository is deployed');
      });

      it('takes the whole artifact as the chart with chartRef', async () => {
        const whole = await createRepository(server, `whole${major.name.slice(-1)}`);
        await whole.commit(await fixtureChartFiles('app', '.', '2.0.0'));
        await applyGitRepository('whole', whole.path);
        await apply('whole', { interval: '10m', chartRef: { kind: 'GitRepository', name: 'whole' } });
        const hr = await waitHr('whole', 'Ready', isReady);
        assert.deepEqual([snapshotOf(hr)?.chartName, snapshotOf(hr)?.chartVersion], ['app', '2.0.0']);
      });

      it('reports a path without a chart, naming it, and leaves the release as it was', async () => {
        const before = await suite.get('web');
        const config = await renderedConfig('web');
        const releases = await suite.history('web');
        await apply('web', fromGit('./charts/missing'));
        const hr = await waitReason('web', 'ChartNotFound');
        assert.equal(condition(hr, 'Ready')?.status, 'False');
        assert.match(condition(hr, 'Ready')?.message ?? '', /no chart at "\.\/charts\/missing" in GitRepository .*: the path does not exist; set chart\.spec\.chart to the folder that holds Chart\.yaml/);
        assert.deepEqual(hr.status?.history, before.status?.history);
        assert.deepEqual(await suite.history('web'), releases);
        assert.deepEqual(await renderedConfig('web'), config);
      });
    });
  }
});
