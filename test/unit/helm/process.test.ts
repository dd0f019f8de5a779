// How one helm process is run, stopped and observed. These use small fixture scripts in place of
// helm so that each stopping rule shows on its own; what helm itself does on SIGTERM is tested
// against the real binaries in test/integration/helm/cancel.test.ts.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { HelmError } from '../../../src/helm/errors.ts';
import { helmEnv, runHelm, type HelmInvocation } from '../../../src/helm/process.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const script = (name: string) => join(FIXTURES, name);

function invocation(overrides: Partial<HelmInvocation>): HelmInvocation {
  return { binary: script('stubborn.sh'), action: 'upgrade', args: [], env: helmEnv('/tmp/capstan-home'), deadlineMs: 60_000, killGraceMs: 300, ...overrides };
}

async function failure(promise: Promise<unknown>): Promise<HelmError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof HelmError, String(err));
    return err;
  }
  throw new Error('expected a HelmError');
}

const abortSoon = (abort: AbortController) => setTimeout(() => { abort.abort(); }, 200);

describe('runHelm', () => {
  it('sends SIGTERM on abort, then SIGKILL once the grace period is over', async () => {
    const abort = new AbortController();
    const inv = invocation({ signal: abort.signal, onAbort: 'terminate', killGraceMs: 400 });
    abortSoon(abort);
    const t0 = performance.now();
    const error = await failure(runHelm(inv));
    assert.equal(error.reason, 'HelmCancelled');
    assert.match(error.stderrTail, /got-SIGTERM/);
    assert.ok(performance.now() - t0 >= 550, 'waited for the grace period before SIGKILL');
  });

  it('does not send SIGTERM to a command left to drain, and kills it after the grace period', async () => {
    const abort = new AbortController();
    const inv = invocation({ action: 'rollback', signal: abort.signal, onAbort: 'drain', killGraceMs: 400 });
    abortSoon(abort);
    const error = await failure(runHelm(inv));
    assert.equal(error.reason, 'HelmCancelled');
    assert.doesNotMatch(error.stderrTail, /got-SIGTERM/);
  });

  it('lets a draining command that finishes within the grace period succeed', async () => {
    const abort = new AbortController();
    const inv = invocation({ binary: script('slow-success.sh'), args: ['0.5'], action: 'rollback', signal: abort.signal, onAbort: 'drain', killGraceMs: 5000 });
    abortSoon(abort);
    const out = await runHelm(inv);
    assert.equal(out.stdout, 'done\n');
    assert.doesNotMatch(out.stderr, /got-SIGTERM/);
  });

  it('does not start helm at all when already aborted', async () => {
    const observed: string[] = [];
    const inv = invocation({ binary: '/nonexistent/helm', signal: AbortSignal.abort(), observe: (action) => observed.push(action) });
    assert.equal((await failure(runHelm(inv))).reason, 'HelmCancelled');
    assert.deepEqual(observed, []);
  });

  it('stops a helm that outlives the deadline and calls it a timeout', async () => {
    const error = await failure(runHelm(invocation({ action: 'status', deadlineMs: 200, killGraceMs: 200 })));
    assert.equal(error.reason, 'HelmTimeout');
    assert.match(error.message, /did not exit in time/);
  });

  it('keeps the tail of a long stderr, where helm writes its error', async () => {
    const error = await failure(runHelm(invocation({ binary: script('noisy-failure.sh'), args: ['20000'], maxStderrBytes: 4096 })));
    assert.match(error.message, /UPGRADE FAILED: the last words/);
    assert.ok(error.stderrTail.endsWith('Error: UPGRADE FAILED: the last words'));
  });

  it('refuses output beyond the stdout limit instead of parsing half of it', async () => {
    const error = await failure(runHelm(invocation({ binary: '/bin/sh', args: ['-c', 'head -c 100000 /dev/zero'], action: 'get-manifest', maxStdoutBytes: 1000 })));
    assert.equal(error.reason, 'HelmOutputInvalid');
  });

  it('reports every invocation to the observer with its result and duration', async () => {
    const seen: [string, string, number][] = [];
    const observe = (action: string, result: string, ms: number) => { seen.push([action, result, ms]); };
    await runHelm(invocation({ binary: '/bin/true', action: 'history', observe }));
    await failure(runHelm(invocation({ binary: script('noisy-failure.sh'), args: ['1'], action: 'upgrade', observe })));
    assert.deepEqual(seen.map(([a, r]) => [a, r]), [['history', 'success'], ['upgrade', 'HelmFailed']]);
    assert.ok(seen.every(([, , ms]) => ms > 0));
  });

  it('gives helm isolated homes and the kubeconfig, and none of the controller\'s HELM_* settings', async () => {
    process.env.HELM_NAMESPACE = 'leaked';
    process.env.HELM_DRIVER = 'memory';
    try {
      const out = await runHelm(invocation({ binary: '/usr/bin/env', env: helmEnv('/var/capstan/helm', '/etc/capstan/kubeconfig') }));
      const env = new Map(out.stdout.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
      assert.equal(env.get('KUBECONFIG'), '/etc/capstan/kubeconfig');
      assert.equal(env.get('HELM_CONFIG_HOME'), '/var/capstan/helm/config');
      assert.equal(env.get('HELM_CACHE_HOME'), '/var/capstan/helm/cache');
      assert.equal(env.get('HELM_DATA_HOME'), '/var/capstan/helm/data');
      assert.equal(env.get('HELM_NAMESPACE'), undefined);
      assert.equal(env.get('HELM_DRIVER'), undefined);
    } finally {
      delete process.env.HELM_NAMESPACE;
      delete process.env.HELM_DRIVER;
    }
  });
});
