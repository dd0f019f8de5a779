// Registers every kind's informers and reconciler with the manager, and wires the triggers
// between them. The one place that knows which reconcilers capstan runs.
import type { HelmRepository } from './api/objects.ts';
import type { KubeClient } from './kube/client.ts';
import type { EventRecorder } from './kube/events.ts';
import { capstanResource, objectKey } from './kube/resource.ts';
import { ItemBackoff } from './runtime/backoff.ts';
import type { Controller } from './runtime/controller.ts';
import type { Manager } from './runtime/manager.ts';
import { IndexCache } from './source/index-cache.ts';
import { helmRepositoryReconciler } from './source/helmrepository/reconciler.ts';

export interface SetupOptions {
  client: KubeClient;
  events: EventRecorder;
  cacheDir: string;
  watchNamespace?: string;
  watchLabelSelector?: string;
  indexMaxBytes?: number;
}

export interface Controllers {
  helmRepositories: Controller;
  indexCache: IndexCache;
}

/** Enqueues the object's key on add and on update, and drops nothing on delete (reconcile sees it gone). */
function enqueueOnChange<T extends { metadata: { name: string; namespace?: string } }>(controller: Controller) {
  const enqueue = (o: T) => { controller.enqueue(objectKey(o.metadata)); };
  return { add: enqueue, update: enqueue, delete: enqueue };
}

export function setupControllers(manager: Manager, options: SetupOptions): Controllers {
  const scope = { namespace: options.watchNamespace, labelSelector: options.watchLabelSelector };
  const indexCache = new IndexCache({ dir: `${options.cacheDir}/indexes` });

  const repositories = manager.informer<HelmRepository>({ resource: capstanResource('HelmRepository'), ...scope });
  // A failed fetch is retried from 1 s (not 5 ms): the other side is a remote server.
  const helmRepositories = manager.controller(
    helmRepositoryReconciler({ client: options.client, informer: repositories, cache: indexCache, events: options.events, indexMaxBytes: options.indexMaxBytes }),
    new ItemBackoff({ baseMs: 1000, maxMs: 15 * 60_000 }),
  );
  repositories.addHandlers(enqueueOnChange(helmRepositories));
  return { helmRepositories, indexCache };
}
