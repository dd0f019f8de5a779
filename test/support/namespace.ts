// Each integration suite works in namespaces of its own, deleted when the suite ends.
import { randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import { kubectl } from './kubectl.ts';

export interface TestNamespace {
  /** The namespace's name, set once the suite's before hooks have run. */
  readonly name: string;
}

/** Call in a describe body: creates <prefix>-<random> before the suite, deletes it after. */
export function useNamespace(prefix: string): TestNamespace {
  const ns = { name: '' };
  before(async () => {
    ns.name = `${prefix}-${randomBytes(3).toString('hex')}`;
    await kubectl(['create', 'namespace', ns.name]);
  });
  after(async () => {
    if (!ns.name) return;
    // With no controller left to run them, capstan's finalizers would hold the namespace in
    // Terminating forever (as in a real cluster whose controller is gone).
    await releaseFinalizers(ns.name);
    await kubectl(['delete', 'namespace', ns.name, '--wait=false', '--ignore-not-found'], { check: false });
  });
  return ns;
}

/** Drops capstan's finalizer from every HelmRelease and Kustomization of a namespace that is going away. */
export async function releaseFinalizers(namespace: string): Promise<void> {
  const list = await kubectl(['get', 'helmreleases.helm.capstan.dev,kustomizations.kustomize.capstan.dev', '-n', namespace, '-o', 'name'], { check: false });
  for (const name of list.stdout.split('\n').filter(Boolean)) {
    await kubectl(['patch', '-n', namespace, name, '--type=merge', '-p', '{"metadata":{"finalizers":null}}'], { check: false });
  }
}
