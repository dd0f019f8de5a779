// What a HelmRelease suite does over and over in its namespace: serve the fixture repository,
// apply HelmReleases, wait for a condition, and look at what helm itself recorded (history,
// processes spawned) and at the events the controller wrote.
import { after, before } from 'node:test';
import type { HelmRelease } from '../../src/api/objects.ts';
import { startChartServer, type ChartServer } from './chart-server.ts';
import { isolatedHelm, type Helm } from './helm.ts';
import type { RunningControllers } from './in-process-controller.ts';
import { kubectl, kubectlJson } from './kubectl.ts';
import type { TestNamespace } from './namespace.ts';
import type { HelmMajor } from './paths.ts';
import { waitFor } from './wait.ts';

export const condition = (hr: HelmRelease, type: string) => hr.status?.conditions?.find((c) => c.type === type);

/** Ready=True for the HelmRelease's current generation. */
export const isReady = (hr: HelmRelease) => hr.status?.observedGeneration === hr.metadata.generation && condition(hr, 'Ready')?.status === 'True';

/** `chart.spec` of a fixture chart from the suite's HelmRepository `fixtures`. */
export function fixtureChartSpec(chart: string, version: string, repository = 'fixtures') {
  return { chart: { spec: { chart, version, sourceRef: { kind: 'HelmRepository', name: repository } } } };
}

export interface HistoryEntry {
  revision: number;
  status: string;
  description: string;
}

export interface ClusterEvent {
  type: string;
  reason: string;
  note: string;
  regarding: { kind: string; name: string };
  metadata: { annotations?: Record<string, string> };
}

export interface HelmReleaseSuite {
  /** Applies a HelmRelease (kubectl apply: fields left out are removed). */
  apply: (name: string, spec: Record<string, unknown>) => Promise<void>;
  get: (name: string) => Promise<HelmRelease>;
  waitHr: (name: string, what: string, test: (hr: HelmRelease) => boolean, timeoutMs?: number) => Promise<HelmRelease>;
  /** Waits for Ready with this reason (any status), for the current generation. */
  waitReason: (name: string, reason: string, timeoutMs?: number) => Promise<HelmRelease>;
  annotate: (name: string, key: string, value: string) => Promise<void>;
  /** `helm history` of a release, oldest first, as helm itself reports it. */
  history: (release: string, namespace?: string) => Promise<HistoryEntry[]>;
  /** helm processes the controllers spawned so far (in-process controllers only). */
  helmCount: () => Promise<number>;
  /** Events about a HelmRelease, oldest first. */
  events: (name: string) => Promise<ClusterEvent[]>;
  waitEvent: (name: string, type: 'Normal' | 'Warning', reason: string) => Promise<ClusterEvent>;
  helm: () => Promise<Helm>;
}

/**
 * Call in a describe body after useNamespace and useControllers (or with no `running` when the
 * controller is a process of its own): serves the fixture repository on
 * loopback as the HelmRepository `fixtures` of the namespace, and gives the suite its tools.
 */
export function useHelmReleaseSuite(namespace: TestNamespace, running: RunningControllers | undefined, major: HelmMajor): HelmReleaseSuite {
  let server: ChartServer | undefined;
  let helm: Promise<Helm> | undefined;
  before(async () => {
    server = await startChartServer();
    await kubectl(['apply', '-n', namespace.name, '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'source.capstan.dev/v1', kind: 'HelmRepository', metadata: { name: 'fixtures' }, spec: { url: server.url, interval: '10m' } }),
    });
  });
  after(async () => {
    await server?.close();
    // The controllers have stopped by now (after hooks run in the order they were added), so
    // nothing would remove the finalizers and the namespace would stay Terminating: drop them.
    if (!namespace.name) return;
    const left = await kubectl(['get', 'hr', '-n', namespace.name, '-o', 'name'], { check: false });
    for (const hr of left.stdout.split('\n').filter(Boolean)) {
      await kubectl(['patch', hr, '-n', namespace.name, '--type=merge', '-p', '{"metadata":{"finalizers":null}}'], { check: false });
    }
  });

  const get = (name: string) => kubectlJson<HelmRelease>(['get', 'hr', name, '-n', namespace.name]);
  const waitHr = (name: string, what: string, test: (hr: HelmRelease) => boolean, timeoutMs = 90_000) =>
    waitFor(`HelmRelease ${name}: ${what}`, async () => { const hr = await get(name); return test(hr) ? hr : undefined; }, { timeoutMs, intervalMs: 200 });
  const events = async (name: string) => {
    const list = await kubectlJson<{ items: ClusterEvent[] }>(['get', 'events.events.k8s.io', '-n', namespace.name]);
    return list.items.filter((e) => e.regarding.kind === 'HelmRelease' && e.regarding.name === name);
  };
  const suite: HelmReleaseSuite = {
    apply: async (name, spec) => {
      const manifest = { apiVersion: 'helm.capstan.dev/v1', kind: 'HelmRelease', metadata: { name, namespace: namespace.name }, spec };
      await kubectl(['apply', '-f', '-'], { input: JSON.stringify(manifest) });
    },
    get,
    waitHr,
    waitReason: (name, reason, timeoutMs) => waitHr(name, `Ready reason ${reason}`, (hr) =>
      hr.status?.observedGeneration === hr.metadata.generation && condition(hr, 'Ready')?.reason === reason, timeoutMs),
    annotate: async (name, key, value) => {
      await kubectl(['annotate', '--overwrite', 'hr', name, '-n', namespace.name, `${key}=${value}`]);
    },
    history: async (release, ns = namespace.name) => {
      const run = await suite.helm();
      return JSON.parse((await run(['history', release, '-n', ns, '-o', 'json'])).stdout) as HistoryEntry[];
    },
    helmCount: async () => {
      if (!running) throw new Error('helmCount counts the helm processes of in-process controllers only');
      const metric = await running.metrics.helmActions.get();
      return metric.values.filter((v) => v.metricName?.endsWith('_count')).reduce((n, v) => n + v.value, 0);
    },
    events,
    waitEvent: (name, type, reason) => waitFor(`a ${type} ${reason} event about ${name}`, async () =>
      (await events(name)).find((e) => e.type === type && e.reason === reason)),
    helm: () => (helm ??= isolatedHelm(major)),
  };
  return suite;
}
