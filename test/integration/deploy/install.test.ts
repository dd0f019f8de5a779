// Installing capstan: the chart in deploy/chart/capstan (what it renders, that it stays in step with
// the package, the CRDs and the Dockerfile), and `capstan install` / `uninstall` against the local
// cluster, where kwok runs the controller's pods (the image itself cannot be built here).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { load, loadAll } from 'js-yaml';
import { parseControllerArgs } from '../../../src/cli/controller.ts';
import { capstan } from '../../support/capstan-cli.ts';
import { startChartServer } from '../../support/chart-server.ts';
import { startController } from '../../support/controller-process.ts';
import { createRepository, startGitServer } from '../../support/git-server.ts';
import { configMapYaml, deploymentYaml } from '../../support/kustomization.ts';
import { kubectl, kubectlJson } from '../../support/kubectl.ts';
import { releaseFinalizers } from '../../support/namespace.ts';
import { HELM_MAJORS, KUBECONFIG, ROOT } from '../../support/paths.ts';
import { run } from '../../support/run.ts';
import { waitFor } from '../../support/wait.ts';

const helm = HELM_MAJORS[1].binary;

/** A kubeconfig of the test cluster that authenticates with a token of this ServiceAccount. */
async function serviceAccountKubeconfig(dir: string, namespace: string, name: string): Promise<string> {
  const admin = load(await readFile(KUBECONFIG, 'utf8')) as { clusters: { name: string; cluster: Record<string, unknown> }[] };
  const token = (await kubectl(['create', 'token', name, '-n', namespace, '--duration', '1h'])).stdout.trim();
  const file = join(dir, `${name}.kubeconfig`);
  await writeFile(file, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', clusters: admin.clusters, users: [{ name, user: { token } }],
    contexts: [{ name, context: { cluster: admin.clusters[0]?.name, user: name } }], 'current-context': name,
  }));
  return file;
}
const CHART = join(ROOT, 'deploy', 'chart', 'capstan');

interface Obj {
  kind: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  spec?: Record<string, unknown>;
}
interface Container {
  args: string[];
  image: string;
  ports: { name: string; containerPort: number }[];
  securityContext: Record<string, unknown>;
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
}

describe('the controller chart', () => {
  it('lints, and its version follows package.json; the Dockerfile bundles the helm and kubectl versions the tests run', async () => {
    const lint = await run(helm, ['lint', CHART], { check: false });
    assert.equal(lint.exitCode, 0, lint.stdout + lint.stderr);
    const chart = load(await readFile(join(CHART, 'Chart.yaml'), 'utf8')) as { version: string; appVersion: string };
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.deepEqual([chart.version, chart.appVersion], [pkg.version, pkg.version]);
    const versions = Object.fromEntries((await readFile(join(ROOT, 'tools', 'versions.env'), 'utf8')).split('\n').filter((l) => l.includes('=')).map((l) => l.split('=') as [string, string]));
    const dockerfile = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
    assert.match(dockerfile, new RegExp(`ARG HELM3_VERSION=${String(versions.HELM3_VERSION)}\\n`));
    assert.match(dockerfile, new RegExp(`ARG HELM4_VERSION=${String(versions.HELM4_VERSION)}\\n`));
    const { clientVersion } = JSON.parse((await kubectl(['version', '--client', '-o', 'json'])).stdout) as { clientVersion: { gitVersion: string } };
    assert.match(dockerfile, new RegExp(`ARG KUBECTL_VERSION=${clientVersion.gitVersion.replace(/^v/, '')}\\n`));
    assert.match(dockerfile, /npm ci --omit=dev/);
    assert.match(dockerfile, /^USER 65532:65532$/m);
  });

  it('renders a non-root, read-only controller whose arguments the controller accepts, whose binaries the image has, and whose probes hit its health port', async () => {
    const exported = await capstan(['install', '--export', '--helm-binary', helm, '-n', 'capstan-system']);
    assert.equal(exported.exitCode, 0, exported.stderr);
    const objects = loadAll(exported.stdout) as Obj[];
    const deployment = objects.find((o) => o.kind === 'Deployment');
    const pod = (deployment?.spec as { template: { spec: { securityContext: Record<string, unknown>; containers: Container[]; serviceAccountName: string } } }).template.spec;
    const [container] = pod.containers;
    assert.ok(container);
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.deepEqual(container.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    assert.equal(container.args[0], 'controller');
    const options = parseControllerArgs(container.args.slice(1), {});
    assert.equal(options.leaderElect, true);
    assert.equal(options.helmBinary, '/usr/local/bin/helm4');
    assert.equal(options.kubectlBinary, '/usr/local/bin/kubectl', 'kustomization.yaml builds need kubectl kustomize');
    // The image copies both binaries into /usr/local/bin/, where the arguments look for them.
    const copied = /^COPY --from=helm (.*) \/usr\/local\/bin\/$/m.exec(await readFile(join(ROOT, 'Dockerfile'), 'utf8'))?.[1]?.split(' ');
    for (const binary of [options.helmBinary, options.kubectlBinary]) assert.ok(copied?.includes(binary), `the Dockerfile puts ${binary} into the image`);
    const port = (name: string) => container.ports.find((p) => p.name === name)?.containerPort;
    assert.equal(options.healthAddr, `:${String(port('healthz'))}`);
    assert.equal(options.metricsAddr, `:${String(port('http-metrics'))}`);
    assert.deepEqual([container.livenessProbe.httpGet, container.readinessProbe.httpGet], [{ path: '/healthz', port: 'healthz' }, { path: '/readyz', port: 'healthz' }]);
    assert.match(container.image, /^ghcr\.io\/capstan-dev\/capstan:\d+\.\d+\.\d+$/);
    assert.equal(objects.filter((o) => o.kind === 'CustomResourceDefinition').length, 7);
    const metrics = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'capstan-metrics') as Obj & { metadata: { annotations?: Record<string, string> } };
    assert.equal(metrics.metadata.annotations?.['prometheus.io/scrape'], 'true');
  });
});

describe('capstan install and uninstall', () => {
  const namespace = `capstan-install-${String(process.pid)}`;
  after(async () => {
    await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found'], { check: false });
    await kubectl(['delete', 'clusterrole,clusterrolebinding', '-l', 'app.kubernetes.io/part-of=capstan', '--ignore-not-found'], { check: false });
  });
  const controllerObjects = async () => {
    const listed = await kubectlJson<{ items: Obj[] }>(['get', 'deployment,serviceaccount,role,rolebinding,service', '-n', namespace, '-l', 'app.kubernetes.io/part-of=capstan']);
    const cluster = await kubectlJson<{ items: Obj[] }>(['get', 'clusterrole,clusterrolebinding', '-l', 'app.kubernetes.io/part-of=capstan']);
    return [...listed.items, ...cluster.items];
  };

  it('gives the controller enough RBAC: with the chart\'s ServiceAccount token it elects a leader, and a tenant\'s HelmRelease and Kustomization reach Ready in another namespace', async () => {
    // The locked-down install: no cluster-admin binding, releases and Kustomizations run as the tenant's account.
    const dir = await mkdtemp(join(tmpdir(), 'capstan-rbac-'));
    const values = join(dir, 'values.yaml');
    await writeFile(values, 'rbac: {clusterAdmin: false}\nreplicas: 0\n');
    const installed = await capstan(['install', '-n', namespace, '--helm-binary', helm, '--values', values]);
    assert.equal(installed.exitCode, 0, installed.stderr);
    assert.doesNotMatch(installed.stdout, /ClusterRoleBinding capstan-releases/);

    const tenant = `${namespace}-tenant`;
    const target = `${namespace}-target`;
    const server = await startChartServer();
    const git = await startGitServer();
    try {
      for (const ns of [tenant, target]) await kubectl(['create', 'namespace', ns]);
      await kubectl(['create', 'serviceaccount', 'deployer', '-n', tenant]);
      await kubectl(['create', 'rolebinding', 'deployer', '-n', target, '--clusterrole=admin', `--serviceaccount=${tenant}:deployer`]);
      // postBuild.substituteFrom is read as the tenant too: it may read its own namespace's variables.
      await kubectl(['create', 'rolebinding', 'deployer-view', '-n', tenant, '--clusterrole=view', `--serviceaccount=${tenant}:deployer`]);
      const repository = await createRepository(git, 'manifests');
      await repository.commit({ 'deploy/config.yaml': configMapYaml('web-config', '${GREETING}'), 'deploy/web.yaml': deploymentYaml('web') });
      await kubectl(['apply', '-f', '-'], { input: [
        { apiVersion: 'source.capstan.dev/v1', kind: 'HelmRepository', metadata: { name: 'fixtures', namespace: tenant }, spec: { url: server.url } },
        { apiVersion: 'helm.capstan.dev/v1', kind: 'HelmRelease', metadata: { name: 'web', namespace: tenant }, spec: {
          targetNamespace: target, chart: { spec: { chart: 'app', version: '1.0.0', sourceRef: { kind: 'HelmRepository', name: 'fixtures' } } },
        } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'variables', namespace: tenant }, data: { GREETING: 'hello' } },
        { apiVersion: 'source.capstan.dev/v1', kind: 'GitRepository', metadata: { name: 'manifests', namespace: tenant }, spec: {
          url: `${git.url}${repository.path}`, ref: { branch: 'main' }, timeout: '20s',
        } },
        { apiVersion: 'kustomize.capstan.dev/v1', kind: 'Kustomization', metadata: { name: 'manifests', namespace: tenant }, spec: {
          sourceRef: { kind: 'GitRepository', name: 'manifests' }, path: './deploy', targetNamespace: target, prune: true, wait: true, timeout: '60s',
          postBuild: { substituteFrom: [{ kind: 'ConfigMap', name: 'variables' }] },
        } },
      ].map((o) => JSON.stringify(o)).join('\n---\n') });
      // Its own token, as in the pod: `--as` would replace the identity when the controller
      // impersonates the tenant, so the chart's impersonate rule would go unchecked.
      const controller = await startController([
        '--kubeconfig', await serviceAccountKubeconfig(dir, namespace, 'capstan'), '--watch-namespace', tenant, '--default-service-account', 'deployer',
        '--leader-elect', '--leader-election-namespace', namespace, '--helm-binary', helm,
      ]);
      try {
        // A refusal ends the wait at once: the API server's message names the verb and the resource
        // (the controller's own requests, and the tenant's dry runs, applies and health checks).
        const refusals = () => controller.logs.map((l) => JSON.stringify(l)).filter((l) => /forbidden/i.test(l));
        const ready = async (kind: string) => (await kubectl(['get', kind, '-n', tenant, '-o', 'jsonpath={.items[*].status.conditions[?(@.type=="Ready")].status}'])).stdout;
        await waitFor('the HelmRelease and the Kustomization to be Ready (or a refusal)', async () => (refusals().length > 0 ||
          (await ready('helmreleases.helm.capstan.dev')) === 'True' && (await ready('kustomizations.kustomize.capstan.dev')) === 'True' ? true : undefined), { timeoutMs: 120_000 });
        assert.deepEqual(refusals(), [], `the controller's RBAC lacks a permission:\n${refusals().join('\n')}`);
        assert.ok(controller.logs.some((l) => l.msg === 'starting workers'), 'it won the election (the Lease is in its namespace)');
        const applied = await kubectl(['get', 'configmap', 'web-config', '-n', target, '-o', 'jsonpath={.data.value} {.metadata.managedFields[*].manager}']);
        assert.equal(applied.stdout, 'hello capstan', 'applied by the Kustomization, with its variables');
      } finally {
        await controller.stop();
      }
    } finally {
      await Promise.all([server.close(), git.close()]);
      await releaseFinalizers(tenant);
      for (const ns of [tenant, target]) await kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found'], { check: false });
    }
  });

  it('applies the CRDs and the controller, waits until it is available, and changes nothing when run again', async () => {
    const first = await capstan(['install', '-n', namespace, '--helm-binary', helm, '--timeout', '3m']);
    assert.equal(first.exitCode, 0, first.stderr);
    assert.match(first.stdout, new RegExp(`✔ Deployment ${namespace}/capstan applied`));
    assert.match(first.stderr, new RegExp(`✔ capstan \\S+ is running in ${namespace} \\(2/2 replicas\\)`));
    const before = await controllerObjects();
    assert.deepEqual(before.map((o) => o.kind).sort(), ['ClusterRole', 'ClusterRoleBinding', 'ClusterRoleBinding', 'Deployment', 'Role', 'RoleBinding', 'Service', 'Service', 'ServiceAccount']);

    const again = await capstan(['install', '-n', namespace, '--helm-binary', helm, '--timeout', '3m']);
    assert.equal(again.exitCode, 0, again.stderr);
    const versions = (objects: Obj[]) => Object.fromEntries(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o.metadata.resourceVersion]));
    assert.deepEqual(versions(await controllerObjects()), versions(before), 'a second install writes nothing');

    const check = await capstan(['check', '--helm-binary', helm, '--controller-namespace', namespace]);
    assert.match(check.stdout, new RegExp(`✔ controller running in ${namespace} \\(ghcr\\.io/capstan-dev/capstan:\\S+, 2/2 ready\\)`));
  });

  it('uninstalls the controller and keeps the CRDs; deleting the CRDs needs --yes', async () => {
    const refused = await capstan(['uninstall', '-n', namespace, '--crds', '--helm-binary', helm]);
    assert.equal(refused.exitCode, 2);
    assert.match(refused.stderr, /add --yes to confirm$/);
    assert.equal((await controllerObjects()).length, 9, 'nothing deleted without --yes');

    const removed = await capstan(['uninstall', '-n', namespace, '--helm-binary', helm]);
    assert.equal(removed.exitCode, 0, removed.stderr);
    await waitFor('the controller objects to be gone', async () => ((await controllerObjects()).length === 0 ? true : undefined), { timeoutMs: 60_000 });
    const crds = await kubectl(['get', 'crd', 'helmreleases.helm.capstan.dev'], { check: false });
    assert.equal(crds.exitCode, 0, 'CRDs kept');
  });
});
