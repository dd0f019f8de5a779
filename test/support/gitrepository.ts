// What a GitRepository suite does over and over in its namespace: apply GitRepositories, wait for
// their Ready condition, request a reconcile, and read the events the controller wrote.
import type { GitRepository } from '../../src/api/objects.ts';
import { kubectl, kubectlJson } from './kubectl.ts';
import type { TestNamespace } from './namespace.ts';
import { waitFor } from './wait.ts';

/** A GitRepository manifest; `spec` is more YAML under spec, indented by two spaces. */
export const gitRepoYaml = (name: string, url: string, spec = '', interval = '10m') =>
  `apiVersion: source.capstan.dev/v1\nkind: GitRepository\nmetadata: {name: ${name}}\nspec:\n  url: "${url}"\n  interval: ${interval}\n  timeout: 20s\n${spec}`;

export const condition = (repo: GitRepository, type: string) => repo.status?.conditions?.find((c) => c.type === type);

export interface GitEvent {
  type: string;
  reason: string;
  note: string;
}

export interface GitRepositorySuite {
  /** kubectl apply of YAML in the suite's namespace. */
  apply: (yaml: string) => Promise<void>;
  get: (name: string) => Promise<GitRepository>;
  /** Waits for Ready=status (and `extra`). */
  waitReady: (name: string, status: 'True' | 'False', extra?: (r: GitRepository) => boolean) => Promise<GitRepository>;
  /** Asks for a reconcile now (the reconcile.capstan.dev/requestedAt annotation). */
  request: (name: string, token: string) => Promise<void>;
  events: (name: string) => Promise<GitEvent[]>;
  /** Waits for an event about `name`: the controller records it just after the status write a test waits for. */
  waitEvent: (name: string, type: 'Normal' | 'Warning', reason: string) => Promise<GitEvent>;
  /** Creates or replaces a Secret of string data. */
  secret: (name: string, data: Record<string, string>) => Promise<void>;
}

export function gitRepositorySuite(namespace: TestNamespace): GitRepositorySuite {
  const get = (name: string) => kubectlJson<GitRepository>(['get', 'gitrepo', name, '-n', namespace.name]);
  const events = async (name: string) => {
    const list = await kubectlJson<{ items: GitEvent[] }>(['get', 'events.events.k8s.io', '-n', namespace.name, '--field-selector', `regarding.name=${name}`]);
    return list.items;
  };
  return {
    apply: async (yaml) => { await kubectl(['apply', '-n', namespace.name, '-f', '-'], { input: yaml }); },
    get,
    waitReady: (name, status, extra = () => true) =>
      waitFor(`${name} Ready=${status}`, async () => {
        const r = await get(name);
        return condition(r, 'Ready')?.status === status && extra(r) ? r : undefined;
      }, { timeoutMs: 30_000 }),
    request: async (name, token) => {
      await kubectl(['annotate', '--overwrite', '-n', namespace.name, `gitrepo/${name}`, `reconcile.capstan.dev/requestedAt=${token}`]);
    },
    events,
    waitEvent: (name, type, reason) => waitFor(`a ${type} ${reason} event about ${name}`, async () =>
      (await events(name)).find((e) => e.type === type && e.reason === reason), { timeoutMs: 30_000 }),
    secret: async (name, data) => {
      const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: namespace.name }, stringData: data };
      await kubectl(['apply', '--server-side', '--force-conflicts', '-f', '-'], { input: JSON.stringify(secret) });
    },
  };
}
