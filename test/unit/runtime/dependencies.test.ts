import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDependencies, findCycle, type Dependent, type DependentKind } from '../../../src/runtime/dependencies.ts';

/** `key` is namespace/name; a dependency is namespace/name (own kind) or Kind/namespace/name. */
function obj(kind: DependentKind, key: string, deps: string[] = [], ready?: 'True' | 'False', generation = 1, observed = 1): Dependent & { kind: DependentKind } {
  const [namespace, name] = key.split('/') as [string, string];
  const dependsOn = deps.map((d) => {
    const parts = d.split('/');
    const [depKind, ns, depName] = parts.length === 3 ? parts as [DependentKind, string, string] : [undefined, parts[0], parts[1] ?? ''];
    return { ...(depKind ? { kind: depKind } : {}), namespace: ns, name: depName };
  });
  return {
    kind,
    metadata: { name, namespace, generation },
    spec: { dependsOn },
    ...(ready ? { status: { observedGeneration: observed, conditions: [{ type: 'Ready', status: ready, reason: 'X', message: `is ${ready}`, lastTransitionTime: '2026-01-01T00:00:00Z' }] } } : {}),
  };
}
const hr = (key: string, deps: string[] = [], ready?: 'True' | 'False', generation = 1, observed = 1) => obj('HelmRelease', key, deps, ready, generation, observed);
const ks = (key: string, deps: string[] = [], ready?: 'True' | 'False') => obj('Kustomization', key, deps, ready);
const lookupOf = (...all: (Dependent & { kind: DependentKind })[]) => (ref: string) =>
  all.find((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}` === ref);

describe('dependencies', () => {
  it('are ready when every dependency is Ready for its current generation', () => {
    const db = hr('a/db', [], 'True');
    assert.deepEqual(checkDependencies(hr('a/web', ['a/db']), 'HelmRelease', lookupOf(db), true), { state: 'ready' });
  });

  it('wait while a dependency reconciles a newer generation, even if it was Ready before', () => {
    const db = hr('a/db', [], 'True', 2, 1);
    assert.equal(checkDependencies(hr('a/web', ['a/db']), 'HelmRelease', lookupOf(db), true).state, 'waiting');
  });

  it('wait while a dependency says it is reconciling, though Ready for its generation', () => {
    const db = hr('a/db', [], 'True');
    db.status?.conditions?.push({ type: 'Reconciling', status: 'True', reason: 'Progressing', message: 'upgrading', lastTransitionTime: '2026-01-01T00:00:00Z' });
    assert.equal(checkDependencies(hr('a/web', ['a/db']), 'HelmRelease', lookupOf(db), true).state, 'waiting');
  });

  it('wait while a dependency is not Ready, quoting its message', () => {
    const result = checkDependencies(hr('a/web', ['a/db']), 'HelmRelease', lookupOf(hr('a/db', [], 'False')), true);
    assert.deepEqual(result, { state: 'waiting', message: 'waiting for dependency a/db to be Ready (now: is False)' });
  });

  it('report a dependency that does not exist', () => {
    assert.deepEqual(checkDependencies(hr('a/web', ['a/nope']), 'HelmRelease', lookupOf(), true), {
      state: 'missing', message: 'dependency HelmRelease a/nope does not exist: create it or remove it from dependsOn',
    });
  });

  it('spell out a cycle', () => {
    const a = hr('n/a', ['n/b']);
    const b = hr('n/b', ['n/c']);
    const c = hr('n/c', ['n/a']);
    assert.deepEqual(findCycle('HelmRelease/n/a', lookupOf(a, b, c)), ['HelmRelease/n/a', 'HelmRelease/n/b', 'HelmRelease/n/c', 'HelmRelease/n/a']);
    assert.match((checkDependencies(a, 'HelmRelease', lookupOf(a, b, c), true) as { message: string }).message, /n\/a -> n\/b -> n\/c -> n\/a/);
  });

  it('refuse dependencies in another namespace when cross-namespace references are off', () => {
    assert.equal(checkDependencies(hr('a/web', ['b/db']), 'HelmRelease', lookupOf(hr('b/db', [], 'True')), false).state, 'forbidden');
  });

  it('cross kinds: a Kustomization waits for a HelmRelease, and a HelmRelease for a Kustomization', () => {
    const app = ks('a/app', ['HelmRelease/a/db']);
    assert.deepEqual(checkDependencies(app, 'Kustomization', lookupOf(hr('a/db', [], 'False')), true), {
      state: 'waiting', message: 'waiting for dependency HelmRelease a/db to be Ready (now: is False)',
    });
    assert.deepEqual(checkDependencies(app, 'Kustomization', lookupOf(hr('a/db', [], 'True')), true), { state: 'ready' });
    // Same name, other kind: not the dependency.
    assert.equal(checkDependencies(app, 'Kustomization', lookupOf(ks('a/db', [], 'True')), true).state, 'missing');
    const web = hr('a/web', ['Kustomization/a/app']);
    assert.equal(checkDependencies(web, 'HelmRelease', lookupOf(ks('a/app', [], 'True')), true).state, 'ready');
  });

  it('spell out a cycle across kinds, naming the kind of each member of the other kind', () => {
    const app = ks('n/app', ['HelmRelease/n/db']);
    const db = hr('n/db', ['Kustomization/n/app']);
    assert.deepEqual(checkDependencies(app, 'Kustomization', lookupOf(app, db), true), {
      state: 'cycle', message: 'dependsOn forms a cycle: n/app -> HelmRelease n/db -> n/app; remove one of these dependencies',
    });
  });
});
