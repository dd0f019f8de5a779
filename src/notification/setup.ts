// Wires the notification module: Provider, Alert and Receiver informers and reconcilers, the
// dispatcher subscribed to the EventRecorder, and the registry the webhook server reads.
import type { Alert, Provider, Receiver } from '../api/notification.ts';
import type { KubeClient } from '../kube/client.ts';
import type { EventRecorder } from '../kube/events.ts';
import type { Informer } from '../kube/informer.ts';
import { capstanResource, objectKey, type KubeObject } from '../kube/resource.ts';
import type { Logger } from '../log/logger.ts';
import type { Controller } from '../runtime/controller.ts';
import type { Manager } from '../runtime/manager.ts';
import type { Metrics } from '../runtime/metrics.ts';
import { ReferenceIndex } from '../runtime/reference-index.ts';
import { alertReconciler } from './alert-reconciler.ts';
import { Dispatcher } from './dispatcher.ts';
import type { RetryPolicy } from './provider-queue.ts';
import { providerReconciler } from './provider-reconciler.ts';
import { receiverReconciler } from './receiver-reconciler.ts';
import { ReceiverIndex } from './receiver-server.ts';

export interface NotificationOptions {
  client: KubeClient;
  events: EventRecorder;
  metrics: Metrics;
  log: Logger;
  /** The metadata-only Secret informer the rest of the controller shares. */
  secrets: Informer<KubeObject>;
  watchNamespace?: string;
  watchLabelSelector?: string;
  allowCrossNamespace: boolean;
  dedupWindowMs?: number;
  queueCapacity?: number;
  retry?: RetryPolicy;
}

export interface Notifications {
  dispatcher: Dispatcher;
  /** Where the webhook server finds Receivers by path. */
  receivers: ReceiverIndex;
  providers: Controller;
  alerts: Controller;
  receiverController: Controller;
}

// As Flux's default rate limit: the same failure reported every reconcile reaches people once in 5 minutes.
export const DEFAULT_DEDUP_WINDOW_MS = 5 * 60_000;
export const DEFAULT_QUEUE_CAPACITY = 100;

export function setupNotifications(manager: Manager, options: NotificationOptions): Notifications {
  const { client, events } = options;
  const scope = { namespace: options.watchNamespace, labelSelector: options.watchLabelSelector };
  const dispatcher = new Dispatcher({
    metrics: options.metrics, log: options.log.child({ module: 'notification' }), reportingController: 'capstan',
    dedupWindowMs: options.dedupWindowMs ?? DEFAULT_DEDUP_WINDOW_MS, queueCapacity: options.queueCapacity ?? DEFAULT_QUEUE_CAPACITY,
    ...(options.retry ? { retry: options.retry } : {}),
  });
  events.subscribe(dispatcher.onEvent);
  const bySecret = new ReferenceIndex();
  const alertsByProvider = new ReferenceIndex();

  const providerInformer = manager.informer<Provider>({ resource: capstanResource('Provider'), ...scope });
  const alertInformer = manager.informer<Alert>({ resource: capstanResource('Alert'), ...scope });
  const receiverInformer = manager.informer<Receiver>({ resource: capstanResource('Receiver'), ...scope });
  const receivers = new ReceiverIndex((key) => receiverInformer.get(key));

  const alerts = manager.controller(alertReconciler({ client, informer: alertInformer, dispatcher, events, allowCrossNamespace: options.allowCrossNamespace }));
  const providers = manager.controller(providerReconciler({
    client, informer: providerInformer, dispatcher, events,
    onChange: (key) => { for (const alert of alertsByProvider.ownersOf(key)) alerts.enqueue(alert); },
  }));
  const receiverController = manager.controller(receiverReconciler({ client, informer: receiverInformer, events, allowCrossNamespace: options.allowCrossNamespace }));

  const secretsOf = (o: Provider | Receiver, names: (string | undefined)[]) =>
    names.filter((n): n is string => n !== undefined).map((n) => `Secret/${o.metadata.namespace ?? ''}/${n}`);
  providerInformer.addHandlers(indexing(providers, (p) => { bySecret.set(`Provider/${objectKey(p.metadata)}`, secretsOf(p, [p.spec.secretRef?.name, p.spec.certSecretRef?.name])); }, (key) => { bySecret.delete(`Provider/${key}`); }));
  receiverInformer.addHandlers(indexing(receiverController, (r) => {
    bySecret.set(`Receiver/${objectKey(r.metadata)}`, secretsOf(r, [r.spec.secretRef.name]));
    receivers.update(r);
  }, (key) => {
    bySecret.delete(`Receiver/${key}`);
    receivers.remove(key);
  }));
  alertInformer.addHandlers(indexing(alerts, (a) => { alertsByProvider.set(objectKey(a.metadata), [`${a.metadata.namespace ?? ''}/${a.spec.providerRef.name}`]); }, (key) => { alertsByProvider.delete(key); }));
  const onSecret = (s: KubeObject) => {
    for (const owner of bySecret.ownersOf(`Secret/${s.metadata.namespace ?? ''}/${s.metadata.name}`)) {
      const [kind, key] = [owner.slice(0, owner.indexOf('/')), owner.slice(owner.indexOf('/') + 1)];
      (kind === 'Provider' ? providers : receiverController).enqueue(key);
    }
  };
  options.secrets.addHandlers({ add: onSecret, update: onSecret, delete: onSecret });
  return { dispatcher, receivers, providers, alerts, receiverController };
}

/** Keeps an index up to date and enqueues the object on every change (the reconcile sees whether it still exists). */
function indexing<T extends KubeObject>(controller: Controller, index: (o: T) => void, unindex: (key: string) => void) {
  return {
    add: (o: T) => { index(o); controller.enqueue(objectKey(o.metadata)); },
    update: (o: T) => { index(o); controller.enqueue(objectKey(o.metadata)); },
    delete: (o: T) => { unindex(objectKey(o.metadata)); controller.enqueue(objectKey(o.metadata)); },
  };
}
