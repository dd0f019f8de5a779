// API server faults: kube-apiserver of a private cluster is restarted while objects keep
// changing; afterwards every change has been reconciled and the controller never stopped.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HelmRepository } from '../../../src/api/objects.ts';
import { countingClient } from '../../support/controller-client.ts';
import { echoMessage, startEchoController, type EchoController } from '../../support/echo-controller.ts';
import { CRDS_DIR, ROOT, TOOLS_BIN } from '../../support/paths.ts';
import { run } from '../../support/run.ts';
import { waitFor } from '../../support/wait.ts';

const OBJECTS = 5;
const ROUNDS = 12;

describe('kube-apiserver restart', () => {
  let clusterDir = '';
  let kubeconfig = '';
  let echo: EchoController | undefined;
  const cluster = (script: string, args: string[] = []) =>
    run(join(ROOT, 'test', 'cluster', script), args, { env: { CLUSTER_DIR: clusterDir }, timeoutMs: 120_000 });
  const kubectl = (args: string[], input?: string) => run(join(TOOLS_BIN, 'kubectl'), ['--kubeconfig', kubeconfig, ...args], { input, check: false });

  before(async () => {
    clusterDir = await mkdtemp(join(tmpdir(), 'capstan-fault-cluster-'));
    kubeconfig = join(clusterDir, 'kubeconfig');
    await cluster('up.sh');
    await run(join(TOOLS_BIN, 'kubectl'), ['--kubeconfig', kubeconfig, 'apply', '--server-side', '-f', CRDS_DIR]);
    await run(join(TOOLS_BIN, 'kubectl'), ['--kubeconfig', kubeconfig, 'wait', '--for=condition=Established', '--timeout=60s', '-f', CRDS_DIR]);
  });
  after(async () => {
    await echo?.stop();
    await cluster('down.sh');
    // etcd's data and the logs: about 60 MiB a run.
    if (clusterDir) await rm(clusterDir, { recursive: true, force: true });
  });

  it('reconciles every change made around a restart, without the controller exiting', async () => {
    echo = startEchoController(countingClient(kubeconfig).client, 'default');
    const manager = echo.manager;
    await waitFor('caches to sync', () => (manager.ready ? true : undefined), { timeoutMs: 30_000 });
    let exited = false;
    void echo.running.finally(() => { exited = true; });

    const finalUrl = new Map<string, string>();
    const apply = async (name: string, round: number) => {
      const url = `https://charts.example.test/${name}/${round}`;
      // While the API server is down a write fails; keep trying (bounded) as a user's CI would.
      await waitFor(`apply of ${name} round ${round}`, async () => {
        const result = await kubectl(['apply', '-n', 'default', '-f', '-'], `apiVersion: source.capstan.dev/v1\nkind: HelmRepository\nmetadata: {name: ${name}}\nspec: {url: "${url}"}\n`);
        return result.exitCode === 0 ? true : undefined;
      }, { timeoutMs: 60_000, intervalMs: 200 });
      finalUrl.set(name, url);
    };

    const writer = (async () => {
      for (let round = 0; round < ROUNDS; round++) {
        for (let i = 0; i < OBJECTS; i++) await apply(`obj-${i}`, round);
      }
    })();
    await waitFor('some changes before the restart', () => (finalUrl.size === OBJECTS ? true : undefined), { timeoutMs: 30_000 });
    await cluster('restart.sh', ['kube-apiserver', '2']);
    await writer;

    const settled = await waitFor('every object to show its last change', async () => {
      const list = await kubectl(['get', 'helmrepositories', '-n', 'default', '-o', 'json']);
      if (list.exitCode !== 0) return undefined;
      const items = (JSON.parse(list.stdout) as { items: HelmRepository[] }).items;
      const done = items.filter((o) =>
        o.status?.observedGeneration === o.metadata.generation &&
        o.status?.conditions?.[0]?.message === echoMessage(finalUrl.get(o.metadata.name) ?? ''));
      return done.length === OBJECTS ? items : undefined;
    }, { timeoutMs: 90_000, intervalMs: 500 });
    assert.equal(settled.length, OBJECTS);
    assert.equal(exited, false, 'the controller kept running');
  });
});
