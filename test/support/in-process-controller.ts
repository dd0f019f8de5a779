// The capstan controllers running inside the test process (so tests can count API requests and
// reach into caches), against the test cluster.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { EventRecorder } from '../../src/kube/events.ts';
import { createLogger } from '../../src/log/logger.ts';
import { Manager } from '../../src/runtime/manager.ts';
import { createMetrics, type Metrics } from '../../src/runtime/metrics.ts';
import { setupControllers, type Controllers } from '../../src/setup.ts';
import { countingClient, type CountingClient } from './controller-client.ts';
import { waitFor } from './wait.ts';

export interface RunningControllers {
  api: CountingClient;
  metrics: Metrics;
  controllers: Controllers;
}

/** Call in a describe body: runs the controllers for one namespace during the suite. */
export function useControllers(namespace: { readonly name: string }): RunningControllers {
  const api = countingClient();
  const metrics = createMetrics(['HelmRepository']);
  const running = { api, metrics } as RunningControllers;
  const stop = new AbortController();
  let done: Promise<unknown> = Promise.resolve();
  before(async () => {
    const manager = new Manager({ client: api.client, log: createLogger({ level: 'silent', format: 'json' }), metrics, concurrency: 4 });
    running.controllers = setupControllers(manager, {
      client: api.client,
      events: new EventRecorder(api.client, 'capstan', 'test'),
      cacheDir: await mkdtemp(join(tmpdir(), 'capstan-controller-')),
      watchNamespace: namespace.name,
    });
    done = manager.run(stop.signal);
    await waitFor('the controllers to sync', () => (manager.ready ? true : undefined), { timeoutMs: 20_000 });
  });
  after(async () => {
    stop.abort();
    await done;
  });
  return running;
}
