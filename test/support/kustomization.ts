// What a Kustomization suite does over and over in its namespace: serve Git repositories on
// loopback (over HTTP, HTTPS or SSH) as GitRepositories, push commits and have their GitRepository
// fetch them at once, apply Kustomizations, wait for a condition, and look at the events the
// controller wrote.
import { after, before } from 'node:test';
import type { Kustomization } from '../../src/api/objects.ts';
import { ANNOTATIONS } from '../../src/api/objects.ts';
import { createRepository, type TestRepository } from './git-server.ts';
import { startGitRemote, type GitRemote, type GitTransport } from './git-remote.ts';
import { gitRepositorySuite } from './gitrepository.ts';
import type { ClusterEvent } from './helmrelease.ts';
import { kubectl, kubectlJson } from './kubectl.ts';
import type { TestNamespace } from './namespace.ts';
import { waitFor } from './wait.ts';

/** A ConfigMap manifest with one key, `value`. */
export const configMapYaml = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${value}"\n`;

/** A one-replica Deployment manifest; `outcome: 'never-ready'` keeps its pod from ever becoming Ready (test/cluster/kwok.yaml). */
export const deploymentYaml = (name: string, outcome?: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata:
      labels: {app: ${name}${outcome ? `, capstan.test/outcome: ${outcome}` : ''}}
    spec:
      containers: [{name: app, image: registry.capstan.test/${name}:1}]
`;

export const ksCondition = (ks: Kustomization, type: string) => ks.status?.conditions?.find((c) => c.type === type);

/** Ready=True for the Kustomization's current generation. */
export const ksReady = (ks: Kustomization) => ks.status?.observedGeneration === ks.metadata.generation && ksCondition(ks, 'Ready')?.status === 'True';

export interface GitSource {
  /** Name of the GitRepository (and of the repository on the server). */
  name: string;
  repository: TestRepository;
  /** The revision of the first commit, as the GitRepository's artifact names it. */
  revision: string;
  /** Commits, pushes, and waits until the GitRepository's artifact is that commit; returns its revision. */
  push: (files: Record<string, string | null>) => Promise<string>;
}

export interface KustomizationSuite {
  /** A repository with these files and a GitRepository `name` of it with an artifact of them. */
  source: (name: string, files: Record<string, string>) => Promise<GitSource>;
  /** Applies a Kustomization (kubectl apply: fields left out are removed). */
  apply: (name: string, spec: Record<string, unknown>) => Promise<void>;
  get: (name: string) => Promise<Kustomization>;
  waitKs: (name: string, what: string, test: (ks: Kustomization) => boolean, timeoutMs?: number) => Promise<Kustomization>;
  /** Waits for Ready with this reason (any status), for the current generation. */
  waitReason: (name: string, reason: string, timeoutMs?: number) => Promise<Kustomization>;
  annotate: (name: string, key: string, value: string) => Promise<void>;
  /** data.value of a ConfigMap (as configMapYaml makes them) in the namespace; undefined when there is none. */
  configMapValue: (name: string) => Promise<string | undefined>;
  /** Whether an object of this kind and name is in the namespace. */
  exists: (kind: string, name: string) => Promise<boolean>;
  events: (name: string) => Promise<ClusterEvent[]>;
  waitEvent: (name: string, type: 'Normal' | 'Warning', reason: string, note?: RegExp) => Promise<ClusterEvent>;
}

/**
 * Call in a describe body after useNamespace and useControllers. `transport` is how the
 * GitRepositories reach the loopback Git server (with a Secret of the credentials it needs).
 */
export function useKustomizationSuite(namespace: TestNamespace, transport: GitTransport = 'http'): KustomizationSuite {
  let remote: GitRemote | undefined;
  before(async () => { remote = await startGitRemote(transport); });
  after(async () => { await remote?.close(); });

  const get = (name: string) => kubectlJson<Kustomization>(['get', 'kustomizations.kustomize.capstan.dev', name, '-n', namespace.name]);
  const waitKs = (name: string, what: string, test: (ks: Kustomization) => boolean, timeoutMs = 60_000) =>
    waitFor(`Kustomization ${name}: ${what}`, async () => { const ks = await get(name); return test(ks) ? ks : undefined; }, { timeoutMs, intervalMs: 200 });
  const events = async (name: string) => {
    const list = await kubectlJson<{ items: ClusterEvent[] }>(['get', 'events.events.k8s.io', '-n', namespace.name]);
    return list.items.filter((e) => e.regarding.kind === 'Kustomization' && e.regarding.name === name);
  };
  const artifactRevision = async (name: string) =>
    (await kubectlJson<{ status?: { artifact?: { revision?: string } } }>(['get', 'gitrepo', name, '-n', namespace.name])).status?.artifact?.revision;

  return {
    async source(name, files) {
      if (!remote) throw new Error('the Git server starts in a before hook');
      const repository = await createRepository(remote.server, name);
      const first = await repository.commit(files);
      const secretName = `${name}-git`;
      if (remote.secret) await gitRepositorySuite(namespace).secret(secretName, remote.secret);
      const manifest = {
        apiVersion: 'source.capstan.dev/v1', kind: 'GitRepository', metadata: { name, namespace: namespace.name },
        spec: {
          url: `${remote.url}${repository.path}`, ref: { branch: 'main' }, interval: '10m', timeout: '20s',
          ...(remote.secret ? { secretRef: { name: secretName } } : {}),
        },
      };
      await kubectl(['apply', '-f', '-'], { input: JSON.stringify(manifest) });
      const fetched = async (commit: string) => {
        const revision = `main@sha1:${commit}`;
        await waitFor(`GitRepository ${name} at ${revision}`, async () => ((await artifactRevision(name)) === revision ? true : undefined), { timeoutMs: 30_000 });
        return revision;
      };
      return {
        name, repository, revision: await fetched(first),
        push: async (changes) => {
          const commit = await repository.commit(changes);
          await kubectl(['annotate', '--overwrite', 'gitrepo', name, '-n', namespace.name, `${ANNOTATIONS.requestedAt}=${commit}`]);
          return fetched(commit);
        },
      };
    },
    apply: async (name, spec) => {
      const manifest = { apiVersion: 'kustomize.capstan.dev/v1', kind: 'Kustomization', metadata: { name, namespace: namespace.name }, spec };
      await kubectl(['apply', '-f', '-'], { input: JSON.stringify(manifest) });
    },
    get,
    waitKs,
    waitReason: (name, reason, timeoutMs) => waitKs(name, `Ready reason ${reason}`, (ks) =>
      ks.status?.observedGeneration === ks.metadata.generation && ksCondition(ks, 'Ready')?.reason === reason, timeoutMs),
    annotate: async (name, key, value) => {
      await kubectl(['annotate', '--overwrite', 'kustomizations.kustomize.capstan.dev', name, '-n', namespace.name, `${key}=${value}`]);
    },
    exists: async (kind, name) => (await kubectl(['get', kind, name, '-n', namespace.name], { check: false })).exitCode === 0,
    configMapValue: async (name) => {
      const found = await kubectl(['get', 'configmap', name, '-n', namespace.name, '-o', 'jsonpath={.data.value}'], { check: false });
      return found.exitCode === 0 ? found.stdout : undefined;
    },
    events,
    waitEvent: (name, type, reason, note) => waitFor(`a ${type} ${reason} event about Kustomization ${name}`, async () =>
      (await events(name)).find((e) => e.type === type && e.reason === reason && (note === undefined || note.test(e.note))), { timeoutMs: 30_000 }),
  };
}
