// Whether a HelmRelease's dependsOn are satisfied (pure: the caller passes a cache lookup).
// A dependency counts as ready only when it is Ready for its current generation and not
// reconciling, so that an upgrade of a dependency holds back its dependents too.
import type { HelmRelease } from '../api/objects.ts';

export type DependencyCheck =
  | { state: 'ready' }
  | { state: 'waiting'; message: string }
  | { state: 'missing'; message: string }
  | { state: 'cycle'; message: string }
  | { state: 'forbidden'; message: string };

export type Lookup = (key: string) => HelmRelease | undefined;

export function dependencyKeys(hr: HelmRelease): string[] {
  const ns = hr.metadata.namespace ?? 'default';
  return (hr.spec.dependsOn ?? []).map((d) => `${d.namespace ?? ns}/${d.name}`);
}

/** A path from `start` back to itself through dependsOn, if there is one. */
export function findCycle(start: string, lookup: Lookup): string[] | undefined {
  const path: string[] = [];
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (key: string): string[] | undefined => {
    if (visiting.has(key)) return [...path.slice(path.indexOf(key)), key];
    if (done.has(key)) return undefined;
    const hr = lookup(key);
    if (!hr) return undefined;
    visiting.add(key);
    path.push(key);
    for (const dep of dependencyKeys(hr)) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    path.pop();
    visiting.delete(key);
    done.add(key);
    return undefined;
  };
  return visit(start);
}

export function checkDependencies(hr: HelmRelease, lookup: Lookup, allowCrossNamespace: boolean): DependencyCheck {
  const self = `${hr.metadata.namespace ?? 'default'}/${hr.metadata.name}`;
  const keys = dependencyKeys(hr);
  if (!allowCrossNamespace) {
    const foreign = keys.filter((k) => !k.startsWith(`${hr.metadata.namespace ?? 'default'}/`));
    if (foreign.length > 0) return { state: 'forbidden', message: `dependsOn ${foreign.join(', ')} is in another namespace, which this controller forbids (--no-cross-namespace-refs)` };
  }
  const cycle = findCycle(self, lookup);
  if (cycle) return { state: 'cycle', message: `dependsOn forms a cycle: ${cycle.join(' -> ')}; remove one of these dependencies` };
  for (const key of keys) {
    const dep = lookup(key);
    if (!dep) return { state: 'missing', message: `dependency HelmRelease ${key} does not exist: create it or remove it from dependsOn` };
    const ready = dep.status?.conditions?.find((c) => c.type === 'Ready');
    const reconciling = dep.status?.conditions?.some((c) => c.type === 'Reconciling' && c.status === 'True') === true;
    if (dep.status?.observedGeneration !== dep.metadata.generation || ready?.status !== 'True' || reconciling) {
      return { state: 'waiting', message: `waiting for dependency ${key} to be Ready${ready?.message ? ` (now: ${ready.message})` : ''}` };
    }
  }
  return { state: 'ready' };
}
