// The failure of a Kustomization health check: every object still not ready at the timeout, or at
// once the objects kstatus calls Failed, with the fix when it is plain.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HealthCheckError, unhealthy } from '../../../../src/kustomize/apply/health.ts';

const job = { apiVersion: 'batch/v1', kind: 'Job', name: 'migrate', namespace: 'shop' };
const jobFailed = { ready: false, detail: 'failed: BackoffLimitExceeded: Job has reached the specified backoff limit', failed: true } as const;

describe('unhealthy', () => {
  it('names an object still on its way, not failed', () => {
    assert.deepEqual(unhealthy({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop' }, { ready: false, detail: '0/1 replicas available' }),
      { line: 'Deployment shop/web: 0/1 replicas available', failed: false });
  });

  it('tells how to run a failed Job again: applying it again changes nothing', () => {
    assert.deepEqual(unhealthy(job, jobFailed), {
      line: 'Job shop/migrate: failed: BackoffLimitExceeded: Job has reached the specified backoff limit (fix its cause, then kubectl delete job migrate -n shop: the next attempt runs it again)',
      failed: true,
    });
  });

  it('adds no fix to other failed objects: their own message says what is wrong', () => {
    assert.deepEqual(unhealthy({ apiVersion: 'helm.capstan.dev/v1', kind: 'HelmRelease', name: 'db', namespace: 'shop' }, { ready: false, detail: 'stalled: RetriesExceeded', failed: true }),
      { line: 'HelmRelease shop/db: stalled: RetriesExceeded', failed: true });
  });

  it('takes a kind named Job of another group for what it is', () => {
    assert.equal(unhealthy({ ...job, apiVersion: 'example.com/v1' }, { ready: false, detail: 'stalled: Invalid', failed: true }).line, 'Job shop/migrate: stalled: Invalid');
  });
});

describe('HealthCheckError', () => {
  it('says the wait timed out, and after how long, naming every object not ready', () => {
    const err = HealthCheckError.timedOut(['Deployment shop/web: 0/1 replicas available', 'ConfigMap shop/missing: not found'], 5_000);
    assert.equal(err.reason, 'HealthCheckFailed');
    assert.equal(err.message, 'health check timed out after 5 s: Deployment shop/web: 0/1 replicas available; ConfigMap shop/missing: not found');
  });

  it('says the objects failed, with the same reason as a timeout', () => {
    const err = HealthCheckError.failed([unhealthy(job, jobFailed).line]);
    assert.equal(err.reason, 'HealthCheckFailed');
    assert.match(err.message, /^health check failed: Job shop\/migrate: failed: BackoffLimitExceeded: /);
    assert.deepEqual(err.notReady, [unhealthy(job, jobFailed).line]);
  });
});
