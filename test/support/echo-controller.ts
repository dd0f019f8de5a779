// A controller for runtime tests: its reconciler marks each HelmRepository Ready with a message
// that echoes the spec's URL, so tests can see which version of an object was reconciled.
import { applySteps, markReady } from '../../src/api/conditions.ts';
import type { HelmRepository } from '../../src/api/objects.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { capstanResource, objectKey } from '../../src/kube/resource.ts';
import { writeStatus } from '../../src/kube/status.ts';
import { createLogger } from '../../src/log/logger.ts';
import type { Controller } from '../../src/runtime/controller.ts';
import { Manager } from '../../src/runtime/manager.ts';
import { createMetrics } from '../../src/runtime/metrics.ts';

export interface EchoController {
  manager: Manager;
  controller: Controller;
  reconciled: string[];
  deleted: string[];
  /** Settles when the manager stops; stays pending while it runs. */
  running: Promise<unknown>;
  stop(): Promise<void>;
}

export function echoMessage(url: string): string {
  return `observed ${url}`;
}

export function startEchoController(client: KubeClient, namespace: string): EchoController {
  const resource = capstanResource('HelmRepository');
  const manager = new Manager({ client, log: createLogger({ level: 'silent', format: 'json' }), metrics: createMetrics(['HelmRepository']), concurrency: 2 });
  const informer = manager.informer<HelmRepository>({ resource, namespace });
  const reconciled: string[] = [];
  const deleted: string[] = [];
  const controller = manager.controller({
    kind: 'HelmRepository',
    reconcile: async (key) => {
      reconciled.push(key);
      const obj = informer.get(key);
      if (!obj) return {};
      const conditions = applySteps(obj.status?.conditions, markReady('Succeeded', echoMessage(obj.spec.url), obj.metadata.generation, new Date().toISOString()));
      await writeStatus(client, resource, obj, { ...obj.status, observedGeneration: obj.metadata.generation, conditions });
      return {};
    },
  });
  informer.addHandlers({
    add: (o) => { controller.enqueue(objectKey(o.metadata)); },
    update: (o) => { controller.enqueue(objectKey(o.metadata)); },
    delete: (o) => { deleted.push(objectKey(o.metadata)); },
  });
  const stopper = new AbortController();
  const running = manager.run(stopper.signal);
  return {
    manager, controller, reconciled, deleted, running,
    stop: async () => {
      stopper.abort();
      await running;
    },
  };
}
