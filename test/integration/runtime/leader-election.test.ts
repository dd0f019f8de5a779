// Two controller replicas: only the leader works; when it is killed, the other takes over.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startController, type ControllerProcess } from '../../support/controller-process.ts';
import { kubectlJson } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { waitFor } from '../../support/wait.ts';

interface Lease {
  spec: { holderIdentity?: string; leaseTransitions?: number };
}

async function leaderMetric(c: ControllerProcess): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${c.metricsPort}/metrics`)).text();
  return Number(/^capstan_leader (\d+)/m.exec(text)?.[1] ?? NaN);
}

describe('leader election', () => {
  const namespace = useNamespace('leader');
  const replicas: ControllerProcess[] = [];
  after(async () => {
    await Promise.all(replicas.map((r) => r.stop('SIGKILL')));
  });

  it('lets one replica lead, and the other take over once the lease expires after the leader is killed', async () => {
    const args = ['--leader-elect', '--leader-election-namespace', namespace.name, '--watch-namespace', namespace.name];
    replicas.push(await startController(args), await startController(args));
    const holder = async () => (await kubectlJson<Lease>(['get', 'lease', 'capstan-leader', '-n', namespace.name]).catch(() => undefined))?.spec.holderIdentity;
    const first = await waitFor('a leader', async () => (await holder()) || undefined, { timeoutMs: 30_000 });
    const leader = replicas.find((r) => first.endsWith(`_${r.pid}`));
    const follower = replicas.find((r) => r !== leader);
    assert.ok(leader && follower, `the holder ${first} is one of the replicas`);
    await waitFor('the leader to report leading', async () => ((await leaderMetric(leader)) === 1 ? true : undefined));
    assert.equal(await leaderMetric(follower), 0, 'the follower does not lead');

    const killed = Date.now();
    await leader.stop('SIGKILL');
    await waitFor('the follower to take the lease', async () => ((await holder())?.endsWith(`_${follower.pid}`) ? true : undefined), { timeoutMs: 40_000, intervalMs: 100 });
    const takeoverMs = Date.now() - killed;
    console.log(`leader failover: ${(takeoverMs / 1000).toFixed(1)} s after kill -9 (lease 15 s, retry 2 s)`);
    assert.equal(await waitFor('the follower to report leading', async () => ((await leaderMetric(follower)) === 1 ? 1 : undefined)), 1);
  });

  it('releases the lease on SIGTERM so that the next replica leads at once', async () => {
    const survivor = replicas.find((r) => !r.exited());
    assert.ok(survivor);
    const next = await startController(['--leader-elect', '--leader-election-namespace', namespace.name, '--watch-namespace', namespace.name]);
    replicas.push(next);
    const stopped = Date.now();
    await survivor.stop('SIGTERM');
    await waitFor('the new replica to lead', async () => ((await leaderMetric(next)) === 1 ? true : undefined), { timeoutMs: 20_000, intervalMs: 100 });
    console.log(`leader handover after SIGTERM: ${((Date.now() - stopped) / 1000).toFixed(1)} s`);
  });
});
