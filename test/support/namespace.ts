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
    if (ns.name) await kubectl(['delete', 'namespace', ns.name, '--wait=false', '--ignore-not-found'], { check: false });
  });
  return ns;
}
