import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KustomizationStatus } from '../../../src/api/kustomization.ts';
import { changed, changeMetadata, changeNote } from '../../../src/kustomize/events.ts';
import { failed, progressing, succeeded, type StatusContext } from '../../../src/kustomize/status.ts';

const ctx: StatusContext = { generation: 2, now: '2026-01-02T00:00:00Z', requestedAt: undefined };
const good = { entries: [{ id: 'apps_web_apps_Deployment', v: 'v1' }] };
const applied = succeeded(undefined, 'main@sha1:a', good, 'applied revision main@sha1:a: 1 object', { ...ctx, now: '2026-01-01T00:00:00Z' });
const condition = (s: KustomizationStatus, type: string) => s.conditions?.find((c) => c.type === type);

describe('Kustomization status', () => {
  it('records an applied revision: Ready=True, both revisions, the inventory', () => {
    assert.equal(applied.lastAppliedRevision, 'main@sha1:a');
    assert.equal(applied.lastAttemptedRevision, 'main@sha1:a');
    assert.deepEqual(applied.inventory, good);
    assert.deepEqual(applied.conditions?.map((c) => `${c.type}=${c.status}`), ['Ready=True']);
  });

  it('is the same status again for an in-sync resync, so nothing is written', () => {
    // A day later: the same status, down to the condition's lastTransitionTime.
    assert.deepEqual(succeeded(applied, 'main@sha1:a', good, 'applied revision main@sha1:a: 1 object', ctx), applied);
  });

  it('keeps the last good inventory and applied revision on a failure, recording the attempt', () => {
    const s = failed(applied, { reason: 'BuildFailed', message: 'b.yaml is not valid YAML', attempted: 'main@sha1:b' }, ctx);
    assert.equal(s.lastAppliedRevision, 'main@sha1:a');
    assert.equal(s.lastAttemptedRevision, 'main@sha1:b');
    assert.deepEqual(s.inventory, good);
    assert.deepEqual(condition(s, 'Ready'), { type: 'Ready', status: 'False', reason: 'BuildFailed', message: 'b.yaml is not valid YAML', observedGeneration: 2, lastTransitionTime: ctx.now });
    assert.equal(condition(s, 'Stalled'), undefined);
  });

  it('stalls when retrying cannot help, and takes the inventory of what a failed health check left applied', () => {
    const cycle = failed(applied, { reason: 'DependencyCycle', message: 'a -> b -> a', stalled: true }, ctx);
    assert.equal(condition(cycle, 'Stalled')?.status, 'True');
    const inventory = { entries: [...good.entries, { id: 'apps_db_apps_Deployment', v: 'v1' }] };
    const unhealthy = failed(applied, { reason: 'HealthCheckFailed', message: 'Deployment apps/db: 0/1', attempted: 'main@sha1:b', inventory }, ctx);
    assert.deepEqual(unhealthy.inventory, inventory);
    assert.equal(unhealthy.lastAppliedRevision, 'main@sha1:a');
  });

  it('says it is progressing while it waits for health, with what the request handled', () => {
    const s = progressing(applied, 'main@sha1:b', good, 'waiting', { ...ctx, requestedAt: 'now' });
    assert.equal(condition(s, 'Ready')?.status, 'Unknown');
    assert.equal(condition(s, 'Reconciling')?.status, 'True');
    assert.equal(s.lastHandledReconcileAt, 'now');
    assert.equal(s.lastAppliedRevision, 'main@sha1:a');
  });
});

describe('Kustomization events', () => {
  const changes = { created: ['ConfigMap/apps/a'], configured: [], unchanged: ['ConfigMap/apps/b'], pruned: ['ConfigMap/apps/c'] };

  it('count and name what an apply changed', () => {
    assert.equal(changeNote('main@sha1:a', changes), 'applied revision main@sha1:a: 1 created, 0 configured, 1 unchanged, 1 pruned; created: ConfigMap/apps/a; pruned: ConfigMap/apps/c');
    assert.deepEqual(changeMetadata('main@sha1:a', changes), { revision: 'main@sha1:a', created: '1', configured: '0', unchanged: '1', pruned: '1' });
  });

  it('see no change when every object was unchanged', () => {
    assert.equal(changed({ created: [], configured: [], unchanged: ['ConfigMap/apps/b'], pruned: [] }), false);
    assert.equal(changed(changes), true);
  });
});
