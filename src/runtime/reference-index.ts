// Which objects refer to which: kept up to date from informer events, so that a change to a
// referenced object enqueues exactly its dependents, without scanning every object.
export class ReferenceIndex {
  private readonly byOwner = new Map<string, Set<string>>();
  private readonly byRef = new Map<string, Set<string>>();

  /** Replaces what `owner` refers to. */
  set(owner: string, refs: Iterable<string>): void {
    this.delete(owner);
    const set = new Set(refs);
    if (set.size === 0) return;
    this.byOwner.set(owner, set);
    for (const ref of set) {
      let owners = this.byRef.get(ref);
      if (!owners) this.byRef.set(ref, (owners = new Set<string>()));
      owners.add(owner);
    }
  }

  delete(owner: string): void {
    for (const ref of this.byOwner.get(owner) ?? []) {
      const owners = this.byRef.get(ref);
      owners?.delete(owner);
      if (owners?.size === 0) this.byRef.delete(ref);
    }
    this.byOwner.delete(owner);
  }

  ownersOf(ref: string): string[] {
    return [...(this.byRef.get(ref) ?? [])];
  }
}
