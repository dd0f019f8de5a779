// The manager wires informers, controllers, leader election and the HTTP endpoints together:
// informers sync first (readiness), then — once this replica leads — the controllers' workers
// start. Shutdown aborts one signal: queues stop taking work and in-flight reconciles finish
// (helm children are cancelled by their own signal) within the grace period.
import type { Logger } from '../log/logger.ts';
import type { KubeClient } from '../kube/client.ts';
import { Informer, type InformerEvent, type InformerOptions } from '../kube/informer.ts';
import { LeaderElector, type LeaseOptions } from '../kube/lease.ts';
import type { KubeObject } from '../kube/resource.ts';
import type { ItemBackoff } from './backoff.ts';
import { conditionGaugeHandlers } from './condition-metrics.ts';
import { Controller, type Reconciler } from './controller.ts';
import type { Metrics } from './metrics.ts';

const CAPSTAN_GROUP_SUFFIX = '.capstan.dev';

export interface ManagerOptions {
  client: KubeClient;
  log: Logger;
  metrics: Metrics;
  concurrency: number;
  lease?: LeaseOptions;
}

export class Manager {
  private readonly informers: Informer<KubeObject>[] = [];
  private readonly controllers: Controller[] = [];
  private readonly options: ManagerOptions;
  private syncedFlag = false;

  constructor(options: ManagerOptions) {
    this.options = options;
  }

  get ready(): boolean {
    return this.syncedFlag;
  }

  informer<T extends KubeObject>(options: InformerOptions<T>): Informer<T> {
    const resource = `${options.resource.plural}${options.resource.group ? `.${options.resource.group}` : ''}`;
    const informer = new Informer<T>(this.options.client, { ...options, onEvent: (event) => { this.onInformerEvent(resource, event); } });
    // capstan's own kinds carry status conditions: the cache is where they are seen change.
    if (options.resource.group.endsWith(CAPSTAN_GROUP_SUFFIX) && !options.metadataOnly) {
      informer.addHandlers(conditionGaugeHandlers<T>(this.options.metrics.condition, options.resource.kind));
    }
    this.informers.push(informer as unknown as Informer<KubeObject>);
    return informer;
  }

  controller(reconciler: Reconciler, backoff?: ItemBackoff): Controller {
    const controller = new Controller({ reconciler, backoff, concurrency: this.options.concurrency, log: this.options.log, metrics: this.options.metrics });
    this.controllers.push(controller);
    return controller;
  }

  /** Runs until the signal aborts; resolves 'lost' when leadership is lost (the process should exit). */
  async run(signal: AbortSignal): Promise<'stopped' | 'lost'> {
    const { log, metrics } = this.options;
    const watching = this.informers.map((i) => i.run(signal));
    await Promise.race([Promise.all(this.informers.map((i) => i.whenSynced())), aborted(signal)]);
    if (signal.aborted) return 'stopped';
    this.syncedFlag = true;
    log.info({ informers: this.informers.length }, 'caches synced');

    const workSignal = new AbortController();
    signal.addEventListener('abort', () => { workSignal.abort(); }, { once: true });
    let outcome: 'stopped' | 'lost' = 'stopped';
    let holding: Promise<unknown> = Promise.resolve();
    if (this.options.lease) {
      const elector = new LeaderElector(this.options.client, this.options.lease, log);
      log.info('waiting for the leader lease');
      try {
        await elector.acquire(signal);
      } catch {
        return 'stopped';
      }
      metrics.leader.set(1);
      holding = elector.hold(workSignal.signal).then((result) => {
        metrics.leader.set(0);
        if (result === 'lost') {
          outcome = 'lost';
          workSignal.abort();
        }
      });
    }
    log.info({ controllers: this.controllers.map((c) => c.kind) }, 'starting workers');
    await Promise.all(this.controllers.map((c) => c.run(workSignal.signal)));
    await holding;
    await Promise.all(watching);
    return outcome;
  }

  private onInformerEvent(resource: string, event: InformerEvent): void {
    const { log, metrics } = this.options;
    metrics.watchEvents.inc({ resource, type: event.type });
    if (event.type === 'error') log.warn({ resource, err: event.error, retryInMs: Math.round(event.retryInMs) }, 'watch failed; reconnecting');
    else if (event.type === 'too-old') log.info({ resource }, 'watch resource version too old; relisting');
    else if (event.type === 'listed') log.debug({ resource, items: event.items, durationMs: event.durationMs }, 'listed');
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => { resolve(); }, { once: true });
  });
}
