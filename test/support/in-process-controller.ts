// The capstan controllers running inside the test process (so tests can count API requests and
// reach into caches), against the test cluster.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { EventRecorder } from '../../src/kube/events.ts';
import { Manager } from '../../src/runtime/manager.ts';
import { createMetrics, type Metrics } from '../../src/runtime/metrics.ts';
import { setupControllers, type Controllers } from '../../src/setup.ts';
import { countingClient, type CountingClient } from './controller-client.ts';
import { HELM_MAJORS, KUBECONFIG, type HelmMajor } from './paths.ts';
import { testLogger } from './test-logs.ts';
import { waitFor } from './wait.ts';

export interface RunningControllers {
  api: CountingClient;
  metrics: Metrics;
  controllers: Controllers;
  /** The controllers' EventRecorder: what is recorded through it reaches the notification dispatcher. */
  events: EventRecorder;
}

/** Call in a describe body: runs the controllers for one namespace during the suite. */
export interface ControllerTestOptions {
  helm?: HelmMajor;
  allowCrossNamespace?: boolean;
  /** How long a pending release is left to its helm before capstan unlocks it. */
  lockGraceMs?: number;
  /** --default-service-account: impersonated when a HelmRelease names none. */
  defaultServiceAccount?: string;
}

export function useControllers(namespace: { readonly name: string }, testOptions: ControllerTestOptions = {}): RunningControllers {
  const options = { ...testOptions, helm: testOptions.helm ?? HELM_MAJORS[1] };
  const api = countingClient();
  const metrics = createMetrics(['HelmRepository', 'GitRepository', 'HelmRelease', 'Kustomization']);
  const running = { api, metrics } as RunningControllers;
  const stop = new AbortController();
  let done: Promise<unknown> = Promise.resolve();
  let cacheDir = '';
  before(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'capstan-controller-'));
    const manager = new Manager({ client: api.client, log: testLogger(), metrics, concurrency: 4 });
    running.controllers = await setupControllers(manager, {
      client: api.client,
      metrics,
      events: (running.events = new EventRecorder(api.client, 'capstan', 'test')),
      cacheDir,
      helmBinary: options.helm.binary,
      kubeconfig: KUBECONFIG,
      watchNamespace: namespace.name,
      allowCrossNamespace: options.allowCrossNamespace ?? true,
      requeueDependencyMs: 1000,
      ...(options.lockGraceMs !== undefined ? { lockGraceMs: options.lockGraceMs } : {}),
      ...(options.defaultServiceAccount !== undefined ? { defaultServiceAccount: options.defaultServiceAccount } : {}),
    });
    done = manager.run(stop.signal);
    await waitFor('the controllers to sync', () => (manager.ready ? true : undefined), { timeoutMs: 20_000 });
  });
  after(async () => {
    stop.abort();
    await done;
    if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  });
  return running;
}
