// The local cluster runs real charts with the real helm binaries: the ground every other test stands on.
import assert from 'node:assert/strict';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startChartServer, type ChartServer } from '../../support/chart-server.ts';
import { isolatedHelm, type Helm } from '../../support/helm.ts';
import { kubectlJson } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { pushFixtures, startOciRegistry, type OciRegistry } from '../../support/oci-registry.ts';
import { HELM_MAJORS } from '../../support/paths.ts';
import { makeServerTls, type TlsMaterial } from '../../support/pki.ts';
import { waitFor } from '../../support/wait.ts';

const auth = { username: 'capstan', password: 'fixture-password' };

interface DeploymentStatus {
  spec: { replicas: number };
  status: { availableReplicas?: number };
}

describe('the local cluster with real helm', () => {
  let tls: TlsMaterial;
  let server: ChartServer;
  let registry: OciRegistry;

  before(async () => {
    tls = await makeServerTls();
    server = await startChartServer({ tls, auth });
    registry = await startOciRegistry();
    await pushFixtures(registry);
  });
  after(async () => {
    await server.close();
    await registry.close();
  });

  for (const major of HELM_MAJORS) {
    describe(major.name, () => {
      let helm: Helm;
      const namespace = useNamespace(major.name.replace(' ', ''));
      before(async () => {
        helm = await isolatedHelm(major);
        await helm(['repo', 'add', 'fixtures', server.url, '--ca-file', tls.caFile, '--username', auth.username, '--password-stdin'], { input: auth.password });
      });

      it('refuses the HTTPS repository without credentials', async () => {
        const anonymous = await isolatedHelm(major);
        const result = await anonymous(['repo', 'add', 'fixtures', server.url, '--ca-file', tls.caFile], { check: false });
        assert.notEqual(result.exitCode, 0);
        assert.match(result.stderr + result.stdout, /401/);
      });

      it('installs app from the HTTPS repository with basic auth and its Deployment becomes available', async () => {
        await helm(['install', 'web', 'fixtures/app', '--version', '1.0.0', '-n', namespace.name, '--set', 'replicaCount=2', '--wait', '--timeout', '60s']);
        const deployment = await waitFor('web-app to be available', async () => {
          const d = await kubectlJson<DeploymentStatus>(['get', 'deployment', 'web-app', '-n', namespace.name]);
          return d.status.availableReplicas === d.spec.replicas ? d : undefined;
        });
        assert.equal(deployment.spec.replicas, 2);
        assert.equal(deployment.status.availableReplicas, 2);
        assert.ok(server.requests.some((r) => r.path === '/app-1.0.0.tgz' && r.status === 200 && r.authenticated));
      });

      it('passes helm test when the test pod succeeds', async () => {
        const result = await helm(['test', 'web', '-n', namespace.name, '--timeout', '60s'], { check: false });
        assert.equal(result.exitCode, 0, result.stderr);
        assert.match(result.stdout, /Phase:\s+Succeeded/);
      });

      it('fails helm test when the test pod fails', async () => {
        await helm(['upgrade', 'web', 'fixtures/app', '--version', '1.0.0', '-n', namespace.name, '--reuse-values', '--set', 'test.outcome=fail', '--wait', '--timeout', '60s']);
        const result = await helm(['test', 'web', '-n', namespace.name, '--timeout', '60s'], { check: false });
        assert.notEqual(result.exitCode, 0);
        assert.match(result.stdout + result.stderr, /Phase:\s+Failed|pod web-app-test failed/);
      });

      it('times out an upgrade to the never-ready chart with --wait --timeout 20s', async () => {
        await helm(['install', 'slow', 'fixtures/never-ready', '--version', '1.0.0', '-n', namespace.name, '--wait', '--timeout', '60s']);
        const started = Date.now();
        const result = await helm(['upgrade', 'slow', 'fixtures/never-ready', '--version', '2.0.0', '-n', namespace.name, '--wait', '--timeout', '20s'], { check: false });
        assert.notEqual(result.exitCode, 0);
        assert.match(result.stderr, /context deadline exceeded|timed out|resources not ready/i);
        assert.ok(Date.now() - started >= 19_000, 'helm waited for its timeout');
        const history = JSON.parse((await helm(['history', 'slow', '-n', namespace.name, '-o', 'json'])).stdout) as { revision: number; status: string }[];
        assert.equal(history.at(-1)?.status, 'failed');
      });

      it('pulls a chart from the OCI registry', async () => {
        const dest = await mkdtemp(join(tmpdir(), 'capstan-pull-'));
        await helm(['pull', `oci://${registry.host}/charts/app`, '--version', '2.1.0', '--plain-http', '-d', dest]);
        assert.deepEqual(await readdir(dest), ['app-2.1.0.tgz']);
      });
    });
  }
});
