// The `capstan` CLI against the local cluster with the controllers running: get, reconcile,
// suspend/resume, events, export and check on HelmReleases and on GitRepositories and
// Kustomizations, and how it fails on user mistakes.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { load } from 'js-yaml';
import type { HelmRelease, Kustomization } from '../../../src/api/objects.ts';
import { capstan, capstanProcess, tableRows } from '../../support/capstan-cli.ts';
import { condition, fixtureChartSpec, isReady, useHelmReleaseSuite } from '../../support/helmrelease.ts';
import { useControllers } from '../../support/in-process-controller.ts';
import { configMapYaml, ksReady, useKustomizationSuite, type GitSource } from '../../support/kustomization.ts';
import { kubectl, kubectlJson } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { waitFor } from '../../support/wait.ts';
import { HELM_MAJORS, KUBECONFIG } from '../../support/paths.ts';

const major = HELM_MAJORS[1];

/** `capstan suspend` sets spec.suspend, `get` shows it, and `reconcile` is refused until a resume. */
async function suspendAndRefuse(kind: 'hr' | 'ks', name: string, namespace: string, specSuspend: () => Promise<boolean | undefined>): Promise<void> {
  const suspended = await capstan(['suspend', kind, name, '-n', namespace]);
  assert.equal(suspended.exitCode, 0, suspended.stderr);
  assert.equal(await specSuspend(), true);
  assert.equal(tableRows((await capstan(['get', kind, name, '-n', namespace])).stdout)[1]?.[2], 'True');
  const refused = await capstan(['reconcile', kind, name, '-n', namespace]);
  assert.equal(refused.exitCode, 1);
  assert.match(refused.stderr, new RegExp(`is suspended: resume it first \\(capstan resume ${kind} ${name}\\)`));
}

describe('capstan CLI', () => {
  const namespace = useNamespace('cli');
  const running = useControllers(namespace, { helm: major });
  const suite = useHelmReleaseSuite(namespace, running, major);
  const ns = () => ['-n', namespace.name];

  it('gets HelmReleases as a table, JSON and YAML, in one namespace and across all', async () => {
    await suite.apply('web', { interval: '10m', ...fixtureChartSpec('app', '1.0.0'), values: { replicaCount: 1 } });
    await suite.waitHr('web', 'Ready', isReady);

    const table = await capstan(['get', 'hr', ...ns()]);
    assert.equal(table.exitCode, 0, table.stderr);
    const [head, row = []] = tableRows(table.stdout);
    assert.deepEqual(head, ['NAME', 'REVISION', 'SUSPENDED', 'READY', 'MESSAGE', 'AGE']);
    assert.deepEqual(row.slice(0, 4), ['web', 'app@1.0.0', 'False', 'True']);
    assert.match(row[4] ?? '', new RegExp(`${namespace.name}/web (at )?revision 1 with app@1\\.0\\.0$`));
    assert.match(row[5] ?? '', /^\d+s$/);

    const all = await capstan(['get', 'hr', '-A']);
    const mine = tableRows(all.stdout).find((r) => r[0] === namespace.name);
    assert.equal(tableRows(all.stdout)[0]?.[0], 'NAMESPACE');
    assert.deepEqual(mine?.slice(0, 3), [namespace.name, 'web', 'app@1.0.0']);

    const json = JSON.parse((await capstan(['get', 'hr', 'web', '-o', 'json', ...ns()])).stdout) as HelmRelease;
    assert.equal(json.status?.history?.[0]?.chartVersion, '1.0.0');
    const yaml = load((await capstan(['get', 'hrepo', ...ns(), '-o', 'yaml'])).stdout) as { kind: string; items: { metadata: { name: string } }[] };
    assert.deepEqual([yaml.kind, yaml.items.map((i) => i.metadata.name)], ['List', ['fixtures']]);
  });

  it('reconciles on request and reports the outcome: a forced upgrade, then a failure with exit code 1', async () => {
    const forced = await capstan(['reconcile', 'hr', 'web', '--force', ...ns()]);
    assert.equal(forced.exitCode, 0, forced.stderr);
    assert.match(forced.stderr, new RegExp(`✔ HelmRelease ${namespace.name}/web reconciled: upgraded ${namespace.name}/web revision 2 with app@1\\.0\\.0 \\(app 1\\.0\\.0, revision 1 → 2\\)`));
    assert.equal((await suite.get('web')).status?.history?.[0]?.version, 2);

    await suite.apply('missing', { interval: '10m', ...fixtureChartSpec('app', '9.9.9') });
    await suite.waitReason('missing', 'ChartNotFound');
    const failed = await capstan(['reconcile', 'hr', 'missing', '--timeout', '60s', ...ns()]);
    assert.equal(failed.exitCode, 1);
    assert.match(failed.stderr, new RegExp(`✖ HelmRelease ${namespace.name}/missing failed \\(ChartNotFound\\): .*9\\.9\\.9`));
  });

  it('reconciles the source first with --with-source', async () => {
    const result = await capstan(['reconcile', 'hr', 'web', '--with-source', ...ns()]);
    assert.equal(result.exitCode, 0, result.stderr);
    const lines = result.stderr.split('\n').filter((l) => l.startsWith('✔'));
    assert.match(lines[0] ?? '', new RegExp(`^✔ HelmRepository ${namespace.name}/fixtures reconciled`));
    assert.match(lines[1] ?? '', new RegExp(`^✔ HelmRelease ${namespace.name}/web reconciled`));
  });

  it('suspends and resumes, and resume waits for the reconcile it asks for', async () => {
    await suspendAndRefuse('hr', 'web', namespace.name, async () => (await suite.get('web')).spec.suspend);

    const resumed = await capstan(['resume', 'hr', 'web', ...ns()]);
    assert.equal(resumed.exitCode, 0, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`✔ helmrelease ${namespace.name}/web resumed\\n`));
    assert.match(resumed.stderr, new RegExp(`✔ HelmRelease ${namespace.name}/web reconciled`));
    const hr = await suite.get('web');
    assert.equal(hr.spec.suspend, false);
    assert.equal(condition(hr, 'Ready')?.status, 'True');
  });

  it('watches: a line for every change of the object until stopped', async () => {
    const watcher = capstanProcess(['get', 'hr', 'web', '--watch', ...ns()]);
    const lines: string[] = [];
    watcher.stdout?.setEncoding('utf8').on('data', (chunk: string) => { lines.push(...chunk.split('\n').filter(Boolean)); });
    try {
      await waitFor('the table', () => (lines.length >= 2 ? true : undefined), { timeoutMs: 30_000 });
      assert.deepEqual(tableRows(lines.join('\n'))[0]?.slice(0, 2), ['NAME', 'REVISION']);
      await suite.annotate('web', 'reconcile.capstan.dev/requestedAt', `watch-${String(Date.now())}`);
      await waitFor('a line for the change', () => (lines.length >= 3 ? true : undefined), { timeoutMs: 30_000 });
      assert.deepEqual(tableRows(lines.slice(2).join('\n'))[0]?.slice(0, 4), ['web', 'app@1.0.0', 'False', 'True']);
    } finally {
      watcher.kill('SIGINT');
      await watcher;
    }
  });

  it('lists the events of one object, oldest first, one line each', async () => {
    const result = await capstan(['events', '--for', 'hr/web', ...ns()]);
    assert.equal(result.exitCode, 0, result.stderr);
    const [head, ...rows] = tableRows(result.stdout);
    assert.deepEqual(head, ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    const reasons = rows.map((r) => r[2]);
    assert.ok(reasons.indexOf('InstallSucceeded') >= 0 && reasons.indexOf('InstallSucceeded') < reasons.indexOf('UpgradeSucceeded'), reasons.join(','));
    assert.ok(rows.every((r) => r[3] === 'HelmRelease/web'));
  });

  it('exports clean YAML that the API server reads back into the same spec', async () => {
    const result = await capstan(['export', 'hr', 'web', ...ns()]);
    assert.equal(result.exitCode, 0, result.stderr);
    const exported = load(result.stdout.replace(/^---\n/, '')) as Record<string, unknown> & { metadata: Record<string, unknown>; spec: Record<string, unknown> };
    assert.deepEqual(Object.keys(exported).sort(), ['apiVersion', 'kind', 'metadata', 'spec']);
    assert.deepEqual(Object.keys(exported.metadata).sort(), ['name', 'namespace'], 'no server-set metadata, no reconcile annotations');
    assert.equal(exported.spec.interval, undefined, 'interval 10m is the default');
    assert.deepEqual(exported.spec.values, { replicaCount: 1 });

    const live = await suite.get('web');
    const applied = JSON.parse((await kubectl(['create', '--dry-run=server', '-o', 'json', '-f', '-'], {
      input: JSON.stringify({ ...exported, metadata: { ...exported.metadata, name: 'web-copy' } }),
    })).stdout) as HelmRelease;
    assert.deepEqual(applied.spec, { ...live.spec, suspend: false });
  });

  it('diffs a HelmRelease: exit 0 when nothing would change, exactly the changed lines and exit 1 otherwise', async () => {
    const same = await capstan(['diff', 'hr', 'web', '--helm-binary', major.binary, ...ns()]);
    assert.equal(same.exitCode, 0, same.stderr);
    assert.equal(same.stdout, 'chart: app 1.0.0 (unchanged)\nmanifests: unchanged\nvalues: unchanged');

    const live = await suite.get('web');
    const changed = { apiVersion: live.apiVersion, kind: 'HelmRelease', metadata: { name: 'web' }, spec: { ...live.spec, values: { replicaCount: 2 } } };
    const result = await capstan(['diff', 'hr', 'web', '-f', '-', '--helm-binary', major.binary, ...ns()], { input: JSON.stringify(changed) });
    assert.equal(result.exitCode, 1, result.stderr);
    const edits = result.stdout.split('\n').filter((l) => /^[+-](?![+-])/.test(l));
    assert.deepEqual(edits, ['-  replicas: 1', '+  replicas: 2', '-replicaCount: 1', '+replicaCount: 2']);
    assert.match(result.stdout, /^chart: app 1\.0\.0 \(unchanged\)\n--- live\/manifest\.yaml\n\+\+\+ new\/manifest\.yaml\n/);
    assert.equal((await suite.get('web')).metadata.generation, live.metadata.generation, 'nothing applied');
    assert.deepEqual((await suite.history('web')).length, 2, 'no new revision');
  });

  it('masks values that come from a Secret and says why it cannot diff a chart it cannot resolve (exit 2)', async () => {
    await kubectl(['create', 'secret', 'generic', 'web-secret', '-n', namespace.name, '--from-literal=values.yaml=config: {password: hunter2-cli}\n']);
    const live = await suite.get('web');
    const withSecret = { apiVersion: live.apiVersion, kind: 'HelmRelease', metadata: { name: 'web' }, spec: { ...live.spec, valuesFrom: [{ kind: 'Secret', name: 'web-secret' }] } };
    const masked = await capstan(['diff', 'hr', 'web', '-f', '-', '--helm-binary', major.binary, ...ns()], { input: JSON.stringify(withSecret) });
    assert.equal(masked.exitCode, 1, masked.stderr);
    assert.doesNotMatch(masked.stdout + masked.stderr, /hunter2-cli/);
    assert.match(masked.stdout, /\n\+ {2}password: '\*\*\*\*\*'\n/);

    const missing = { ...withSecret, spec: { ...live.spec, chart: { spec: { ...live.spec.chart?.spec, version: '9.9.9' } } } };
    const failed = await capstan(['diff', 'hr', 'web', '-f', '-', '--helm-binary', major.binary, ...ns()], { input: JSON.stringify(missing) });
    assert.equal(failed.exitCode, 2);
    assert.match(failed.stderr, /^capstan: [^\n]*9\.9\.9[^\n]*$/);
  });

  it('checks the cluster: each line ✔ or ✖ with the fix, exit code 1 when the controller is missing', async () => {
    const missing = await capstan(['check', '--helm-binary', major.binary, '--controller-namespace', namespace.name, ...ns()]);
    assert.equal(missing.exitCode, 1);
    const lines = missing.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^✔ Kubernetes v1\.\d+\.\d+ \(>= 1\.28\)$/);
    assert.equal(lines.filter((l) => /^✔ CRD \S+\.capstan\.dev installed and current$/.test(l)).length, 7);
    assert.ok(lines.includes(`✖ no capstan controller found in ${namespace.name}: install it with capstan install (or pass --controller-namespace)`), lines.join('\n'));
    assert.ok(lines.some((l) => /^✔ helm v4\.\d+\.\d+ /.test(l)));
    assert.ok(lines.some((l) => l.startsWith('✔ RBAC: you may get, watch and patch')));

    await kubectl(['apply', '-n', namespace.name, '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'capstan-leader' }, spec: { holderIdentity: 'laptop_1', leaseDurationSeconds: 15, renewTime: new Date().toISOString().replace('Z', '000Z') } }),
    });
    const found = await capstan(['check', '--helm-binary', major.binary, '--controller-namespace', namespace.name, ...ns()]);
    assert.equal(found.exitCode, 0, found.stdout);
    assert.match(found.stdout, /✔ controller running \(leader laptop_1,/);
  });

  it('fails on user mistakes with one line, no stack trace, and the kubectl-like exit codes', async () => {
    // The test cluster's kubeconfig with a server where nothing listens.
    const unreachable = join(await mkdtemp(join(tmpdir(), 'capstan-cli-')), 'kubeconfig');
    const port = await new Promise<number>((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as AddressInfo).port; s.close(() => { resolve(p); }); }); });
    await writeFile(unreachable, (await readFile(KUBECONFIG, 'utf8')).replace(/server: .*/, `server: https://127.0.0.1:${String(port)}`));
    const cases: [string[], number, RegExp][] = [
      [['get', 'hr', 'nope', ...ns()], 1, new RegExp(`^capstan: helmrelease ${namespace.name}/nope not found: check the name and the namespace \\(capstan get hr -A lists them all\\)$`)],
      [['get', 'helmchart'], 2, /^capstan: unknown kind "helmchart": use one of hrepo, gitrepo, hr, ks, providers, alerts, receivers$/],
      [['reconcile', 'alerts', 'x'], 2, /^capstan: unknown kind "alerts": use one of hr, hrepo, gitrepo, ks$/],
      [['get', 'hr', '-o', 'xml'], 2, /^capstan: Invalid values: Argument: output, Given: "xml", Choices: "table", "json", "yaml"$/],
      [['events', '--for', 'web'], 2, /^capstan: "web" is not KIND\/NAME \(for example hr\/web\)$/],
      [['reconcile', 'hr', 'web', '--timeout', 'soon', ...ns()], 2, /^capstan: --timeout soon is not a duration/],
      [['frobnicate'], 2, /^capstan: Unknown argument: frobnicate$/],
      [['get', 'hr', '--context', 'nowhere'], 1, /^capstan: context "nowhere" is not in the kubeconfig \(contexts: /],
      [['get', 'hr', '--kubeconfig', unreachable], 1, /^capstan: cannot reach the Kubernetes API server \(GET \/apis\/helm\.capstan\.dev\/v1\/namespaces\/default\/helmreleases: .*\): check --kubeconfig and --context, and that the cluster is running$/],
    ];
    for (const [args, code, message] of cases) {
      const result = await capstan(args);
      assert.equal(result.exitCode, code, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
    }
  });

  it('prints a shell completion script', async () => {
    const result = await capstan(['completion']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /complete -o bashdefault -o default -F _capstan_yargs_completions capstan/);
  });
});

// `get ks` and `reconcile ks` without --with-source are in test/integration/kustomize/kustomization.test.ts.
describe('capstan CLI on GitRepositories and Kustomizations', () => {
  const namespace = useNamespace('cliks');
  useControllers(namespace);
  const suite = useKustomizationSuite(namespace);
  const ns = () => ['-n', namespace.name];
  const valueOf = async () => (await kubectl(['get', 'configmap', 'app', ...ns(), '-o', 'jsonpath={.data.value}'])).stdout;
  let source: GitSource;
  /** The revisions pushed so far, oldest first. */
  const revisions: string[] = [];
  const push = async (value: string) => {
    revisions.push(`main@sha1:${await source.repository.commit({ 'deploy/app.yaml': configMapYaml('app', value) })}`);
    return revisions.at(-1) ?? '';
  };

  it('gets GitRepositories with their artifact revision and Kustomizations with the applied one, by name and across namespaces', async () => {
    source = await suite.source('app', { 'deploy/app.yaml': configMapYaml('app', '1') });
    revisions.push(source.revision);
    await suite.apply('app', { sourceRef: { kind: 'GitRepository', name: 'app' }, path: './deploy', interval: '10m', prune: true, targetNamespace: namespace.name });
    await suite.waitKs('app', 'Ready', ksReady);

    const repo = await capstan(['get', 'gitrepo', 'app', ...ns()]);
    assert.equal(repo.exitCode, 0, repo.stderr);
    const [head, row = []] = tableRows(repo.stdout);
    assert.deepEqual(head, ['NAME', 'REVISION', 'SUSPENDED', 'READY', 'MESSAGE', 'AGE']);
    assert.deepEqual(row.slice(0, 4), ['app', source.revision, 'False', 'True']);
    assert.match(row[4] ?? '', new RegExp(`^stored artifact for revision ${source.revision} \\(\\d+ bytes\\)$`));

    const mine = async (kind: string) => tableRows((await capstan(['get', kind, '-A'])).stdout).find((r) => r[0] === namespace.name && r[1] === 'app');
    assert.deepEqual((await mine('gitrepo'))?.slice(0, 5), [namespace.name, 'app', source.revision, 'False', 'True']);
    assert.deepEqual((await mine('ks'))?.slice(0, 6), [namespace.name, 'app', source.revision, 'False', 'True', `applied revision ${source.revision}: 1 object`]);
  });

  it('reconciles a GitRepository to a commit pushed since, and a Kustomization after its source with --with-source', async () => {
    const second = await push('2');
    const fetched = await capstan(['reconcile', 'gitrepo', 'app', ...ns()]);
    assert.equal(fetched.exitCode, 0, fetched.stderr);
    assert.match(fetched.stderr, new RegExp(`✔ GitRepository ${namespace.name}/app reconciled: stored artifact for revision ${second} `));
    assert.equal(tableRows((await capstan(['get', 'gitrepo', 'app', ...ns()])).stdout)[1]?.[1], second);

    const third = await push('3');
    const result = await capstan(['reconcile', 'ks', 'app', '--with-source', '--timeout', '60s', ...ns()]);
    assert.equal(result.exitCode, 0, result.stderr);
    const lines = result.stderr.split('\n').filter((l) => l.startsWith('✔'));
    assert.match(lines[0] ?? '', new RegExp(`^✔ GitRepository ${namespace.name}/app reconciled: stored artifact for revision ${third} `));
    assert.equal(lines[1], `✔ Kustomization ${namespace.name}/app reconciled: applied revision ${third}: 1 object`);
    assert.equal(await valueOf(), '3');
  });

  it('suspends and resumes a Kustomization, and resume waits for the reconcile it asks for', async () => {
    await suspendAndRefuse('ks', 'app', namespace.name, async () => (await suite.get('app')).spec.suspend);

    const fourth = await push('4');
    assert.equal((await capstan(['reconcile', 'gitrepo', 'app', ...ns()])).exitCode, 0, 'the artifact is there before the resume');
    const resumed = await capstan(['resume', 'ks', 'app', ...ns()]);
    assert.equal(resumed.exitCode, 0, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`✔ kustomization ${namespace.name}/app resumed\\n`));
    assert.match(resumed.stderr, new RegExp(`✔ Kustomization ${namespace.name}/app reconciled: applied revision ${fourth}: 1 object`));
    assert.equal(await valueOf(), '4');
  });

  it('lists the events of a Kustomization, oldest first, one line each', async () => {
    const result = await capstan(['events', '--for', 'Kustomization/app', ...ns()]);
    assert.equal(result.exitCode, 0, result.stderr);
    const [head, ...rows] = tableRows(result.stdout);
    assert.deepEqual(head, ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    assert.ok(rows.length > 0 && rows.every((r) => r[3] === 'Kustomization/app'), result.stdout);
    // A revision superseded before the Kustomization got to it is skipped, the others come in order.
    const applied = rows.filter((r) => r[2] === 'Progressing').map((r) => /^applied revision (\S+):/.exec(r[4] ?? '')?.[1] ?? '');
    assert.deepEqual(applied, revisions.filter((r) => applied.includes(r)), result.stdout);
    assert.deepEqual([applied[0], applied.at(-1)], [revisions[0], revisions.at(-1)], result.stdout);
  });

  it('exports a Kustomization and its GitRepository as clean YAML that the API server reads back into the same spec', async () => {
    for (const [kind, resource] of [['ks', 'kustomizations.kustomize.capstan.dev'], ['gitrepo', 'gitrepositories.source.capstan.dev']] as const) {
      const result = await capstan(['export', kind, 'app', ...ns()]);
      assert.equal(result.exitCode, 0, result.stderr);
      const exported = load(result.stdout.replace(/^---\n/, '')) as Record<string, unknown> & { metadata: Record<string, unknown>; spec: Record<string, unknown> };
      assert.deepEqual(Object.keys(exported).sort(), ['apiVersion', 'kind', 'metadata', 'spec']);
      assert.deepEqual(Object.keys(exported.metadata).sort(), ['name', 'namespace'], `${kind}: no server-set metadata, no reconcile annotations`);
      const live = await kubectlJson<Kustomization>(['get', resource, 'app', ...ns()]);
      const applied = JSON.parse((await kubectl(['create', '--dry-run=server', '-o', 'json', '-f', '-'], {
        input: JSON.stringify({ ...exported, metadata: { ...exported.metadata, name: 'app-copy' } }),
      })).stdout) as Kustomization;
      assert.deepEqual(applied.spec, live.spec, kind);
    }
  });
});
