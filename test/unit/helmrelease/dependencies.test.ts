import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HelmRelease } from '../../../src/api/objects.ts';
import { checkDependencies, findCycle } from '../../../src/helmrelease/dependencies.ts';

function hr(key: string, deps: string[] = [], ready?: 'True' | 'False', generation = 1, observed = 1): HelmRelease {
  const [namespace, name] = key.split('/') as [string, string];
  return {
    metadata: { name, namespace, generation },
    spec: { interval: '5m', chart: { spec: { chart: 'app', sourceRef: { kind: 'HelmRepository', name: 'r' } } }, dependsOn: deps.map((d) => ({ namespace: d.split('/')[0], name: d.split('/')[1] ?? '' })) },
    ...(ready ? { status: { observedGeneration: observed, conditions: [{ type: 'Ready', status: ready, reason: 'X', message: `is ${ready}`, lastTransitionTime: '2026-01-01T00:00:00Z' }] } } : {}),
  };
}
const lookupOf = (...all: HelmRelease[]) => (key: string) => all.find((h) => `${h.metadata.namespace ?? ''}/${h.metadata.name}` === key);

describe('dependencies', () => {
  it('are ready when every dependency is Ready for its current generation', () => {
    const db = hr('a/db', [], 'True');
    assert.deepEqual(checkDependencies(hr('a/web', ['a/db']), lookupOf(db), true), { state: 'ready' });
  });

  it('wait while a dependency reconciles a newer generation, even if it was Ready before', () => {
    const db = hr('a/db', [], 'True', 2, 1);
    assert.equal(checkDependencies(hr('a/web', ['a/db']), lookupOf(db), true).state, 'waiting');
  });

  it('wait while a dependency says it is reconciling, though Ready for its generation', () => {
    const db = hr('a/db', [], 'True');
    db.status?.conditions?.push({ type: 'Reconciling', status: 'True', reason: 'Progressing', message: 'upgrading', lastTransitionTime: '2026-01-01T00:00:00Z' });
    assert.equal(checkDependencies(hr('a/web', ['a/db']), lookupOf(db), true).state, 'waiting');
  });

  it('wait while a dependency is not Ready, quoting its message', () => {
    const result = checkDependencies(hr('a/web', ['a/db']), lookupOf(hr('a/db', [], 'False')), true);
    assert.deepEqual(result, { state: 'waiting', message: 'waiting for dependency a/db to be Ready (now: is False)' });
  });

  it('report a dependency that does not exist', () => {
    assert.equal(checkDependencies(hr('a/web', ['a/nope']), lookupOf(), true).state, 'missing');
  });

  it('spell out a cycle', () => {
    const a = hr('n/a', ['n/b']);
    const b = hr('n/b', ['n/c']);
    const c = hr('n/c', ['n/a']);
    assert.deepEqual(findCycle('n/a', lookupOf(a, b, c)), ['n/a', 'n/b', 'n/c', 'n/a']);
    assert.match((checkDependencies(a, lookupOf(a, b, c), true) as { message: string }).message, /n\/a -> n\/b -> n\/c -> n\/a/);
  });

  it('refuse dependencies in another namespace when cross-namespace references are off', () => {
    assert.equal(checkDependencies(hr('a/web', ['b/db']), lookupOf(hr('b/db', [], 'True')), false).state, 'forbidden');
  });
});
