// Whether an object's dependsOn are satisfied (pure: the caller passes a cache lookup). Shared by
// HelmReleases and Kustomizations, which may depend on each other. A dependency counts as ready
// only when it is Ready for its current generation and not reconciling, so that an upgrade of a
// dependency holds back its dependents too.
import type { Condition, DependencyReference } from '../api/meta.ts';
import type { KubeObject } from '../kube/resource.ts';

export type DependentKind = NonNullable<DependencyReference['kind']>;

export interface Dependent extends KubeObject {
  spec: { dependsOn?: DependencyReference[] };
  status?: { observedGeneration?: number; conditions?: Condition[] };
}

export type DependencyCheck =
  | { state: 'ready' }
  | { state: 'waiting'; message: string }
  | { state: 'missing'; message: string }
  | { state: 'cycle'; message: string }
  | { state: 'forbidden'; message: string };

/** Finds an object by its reference, `Kind/namespace/name`. */
export type Lookup = (ref: string) => Dependent | undefined;

/** `Kind/namespace/name` of an object. */
export function referenceOf(kind: DependentKind, obj: KubeObject): string {
  return `${kind}/${obj.metadata.namespace ?? 'default'}/${obj.metadata.name}`;
}

/** The references (`Kind/namespace/name`) of an object's dependsOn; an entry without kind is of the dependent's kind. */
export function dependencyRefs(obj: Dependent, kind: DependentKind): string[] {
  const ns = obj.metadata.namespace ?? 'default';
  return (obj.spec.dependsOn ?? []).map((d) => `${d.kind ?? kind}/${d.namespace ?? ns}/${d.name}`);
}

function split(ref: string): { kind: DependentKind; key: string } {
  const slash = ref.indexOf('/');
  return { kind: ref.slice(0, slash) as DependentKind, key: ref.slice(slash + 1) };
}

/** `namespace/name` for an object of the dependent's own kind, `Kind namespace/name` otherwise. */
function label(ref: string, self: DependentKind): string {
  const { kind, key } = split(ref);
  return kind === self ? key : `${kind} ${key}`;
}

/** A path (of references) from `start` back to itself through dependsOn, if there is one. */
export function findCycle(start: string, lookup: Lookup): string[] | undefined {
  const path: string[] = [];
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (ref: string): string[] | undefined => {
    if (visiting.has(ref)) return [...path.slice(path.indexOf(ref)), ref];
    if (done.has(ref)) return undefined;
    const obj = lookup(ref);
    if (!obj) return undefined;
    visiting.add(ref);
    path.push(ref);
    for (const dep of dependencyRefs(obj, split(ref).kind)) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    path.pop();
    visiting.delete(ref);
    done.add(ref);
    return undefined;
  };
  return visit(start);
}

export function checkDependencies(obj: Dependent, kind: DependentKind, lookup: Lookup, allowCrossNamespace: boolean): DependencyCheck {
  const ns = obj.metadata.namespace ?? 'default';
  const refs = dependencyRefs(obj, kind);
  if (!allowCrossNamespace) {
    const foreign = refs.filter((r) => !split(r).key.startsWith(`${ns}/`));
    if (foreign.length > 0) {
      return { state: 'forbidden', message: `dependsOn ${foreign.map((r) => label(r, kind)).join(', ')} is in another namespace, which this controller forbids (--no-cross-namespace-refs)` };
    }
  }
  const cycle = findCycle(referenceOf(kind, obj), lookup);
  if (cycle) return { state: 'cycle', message: `dependsOn forms a cycle: ${cycle.map((r) => label(r, kind)).join(' -> ')}; remove one of these dependencies` };
  for (const ref of refs) {
    const dep = lookup(ref);
    const { kind: depKind, key } = split(ref);
    if (!dep) return { state: 'missing', message: `dependency ${depKind} ${key} does not exist: create it or remove it from dependsOn` };
    const ready = dep.status?.conditions?.find((c) => c.type === 'Ready');
    const reconciling = dep.status?.conditions?.some((c) => c.type === 'Reconciling' && c.status === 'True') === true;
    if (dep.status?.observedGeneration !== dep.metadata.generation || ready?.status !== 'True' || reconciling) {
      return { state: 'waiting', message: `waiting for dependency ${label(ref, kind)} to be Ready${ready?.message ? ` (now: ${ready.message})` : ''}` };
    }
  }
  return { state: 'ready' };
}
