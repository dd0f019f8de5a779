// Two controller replicas: only the leader works; when it is killed, the other takes over, and
// the release's history shows one helm operation after the other, never two at once.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startController, type ControllerProcess } from '../../support/controller-process.ts';
import { fixtureChartSpec, isReady, useHelmReleaseSuite } from '../../support/helmrelease.ts';
import { kubectlJson } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { HELM_MAJORS } from '../../support/paths.ts';
import { waitFor } from '../../support/wait.ts';

interface Lease {
  spec: { holderIdentity?: string; acquireTime?: string; renewTime?: string; leaseTransitions?: number };
}

async function metric(c: ControllerProcess, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${c.metricsPort}/metrics`)).text();
  return [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
}

describe('leader election', () => {
  const replicas: ControllerProcess[] = [];
  // Registered first, so it runs first: a controller still running while the namespace is
  // cleaned up would put back the finalizers the cleanup removes.
  after(async () => {
    await Promise.all(replicas.map((r) => r.stop('SIGKILL')));
  });
  const namespace = useNamespace('leader');
  const suite = useHelmReleaseSuite(namespace, undefined, HELM_MAJORS[1]);
  const args = () => ['--leader-elect', '--leader-election-namespace', namespace.name, '--watch-namespace', namespace.name];
  const lease = () => kubectlJson<Lease>(['get', 'lease', 'capstan-leader', '-n', namespace.name]);

  it('lets one replica lead, and the other take over within the lease duration after the leader is killed', async () => {
    await suite.apply('app', { interval: '10m', ...fixtureChartSpec('app', '1.0.0') });
    replicas.push(await startController(args()), await startController(args()));
    const first = await waitFor('a leader', async () => (await lease().catch(() => undefined))?.spec.holderIdentity || undefined, { timeoutMs: 30_000 });
    const leader = replicas.find((r) => first.endsWith(`_${r.pid}`));
    const follower = replicas.find((r) => r !== leader);
    assert.ok(leader && follower, `the holder ${first} is one of the replicas`);
    await suite.waitHr('app', 'Ready', isReady);
    assert.equal(await metric(leader, 'capstan_leader'), 1);
    assert.equal(await metric(follower, 'capstan_leader'), 0, 'the follower does not lead');
    assert.equal(await metric(follower, 'capstan_reconcile_total'), 0, 'the follower has not reconciled anything');
    // A replica that has not seen the lease yet rightly waits a whole lease duration from its
    // first look: the figure is about a follower that has watched the leader renew at least once.
    const watching = await waitFor('the follower to watch the lease', () => follower.logs.find((l) => l.msg === 'waiting for the leader lease'), { timeoutMs: 60_000 });
    await waitFor('a renewal after that', async () => (Date.parse((await lease()).spec.renewTime ?? '') > Number(watching.time) ? true : undefined), { intervalMs: 100 });

    const killed = Date.now();
    await leader.stop('SIGKILL');
    // /metrics answers within milliseconds: kubectl would add its own start-up to the figure.
    await waitFor('the follower to lead', async () => ((await metric(follower, 'capstan_leader')) === 1 ? true : undefined), { timeoutMs: 40_000, intervalMs: 50 });
    const ledMs = Date.now() - killed;
    const taken = await lease();
    assert.ok(taken.spec.holderIdentity?.endsWith(`_${follower.pid}`));
    // acquireTime is the follower's clock when it decided to take the lease: the same machine's clock.
    const decidedMs = Date.parse(taken.spec.acquireTime ?? '') - killed;
    console.log(`leader failover: the follower took the lease ${(decidedMs / 1000).toFixed(2)} s and led ${(ledMs / 1000).toFixed(2)} s after kill -9 of the leader (lease 15 s, renew every 2 s)`);

    // The new leader works: an upgrade after the failover follows the install, never overlaps it.
    await suite.apply('app', { interval: '10m', ...fixtureChartSpec('app', '1.1.0') });
    await suite.waitHr('app', 'Ready at 1.1.0', (hr) => isReady(hr) && hr.status?.history?.[0]?.chartVersion === '1.1.0');
    const history = await suite.history('app');
    assert.deepEqual(history.map((h) => [h.revision, h.status]), [[1, 'superseded'], [2, 'deployed']]);
  });

  it('releases the lease on SIGTERM so that the next replica leads at once', async () => {
    const survivor = replicas.find((r) => !r.exited());
    assert.ok(survivor);
    const next = await startController(args());
    replicas.push(next);
    const stopped = Date.now();
    await survivor.stop('SIGTERM');
    await waitFor('the new replica to lead', async () => ((await metric(next, 'capstan_leader')) === 1 ? true : undefined), { timeoutMs: 20_000, intervalMs: 50 });
    console.log(`leader handover after SIGTERM: ${((Date.now() - stopped) / 1000).toFixed(2)} s`);
  });
});
