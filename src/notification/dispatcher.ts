// Alert dispatch: subscribed to the EventRecorder's in-process stream. For each event it asks
// every active Alert (pure matching), renders the message for the Alert's Provider, drops repeats
// within the dedup window and hands it to that Provider's own queue. It never waits and never
// throws: the reconcile that recorded the event goes on at once whatever the endpoints do.
import type { RecordedEvent } from '../kube/events.ts';
import type { Logger } from '../log/logger.ts';
import type { Metrics } from '../runtime/metrics.ts';
import { CauseMemory } from './causes.ts';
import { Deduplicator } from './dedup.ts';
import { toNotification } from './event.ts';
import { judge, type CompiledAlert } from './match.ts';
import { render, type OutgoingMessage, type ProviderTarget } from './payloads.ts';
import { post } from './post.ts';
import { DEFAULT_RETRY, ProviderQueue, type RetryPolicy } from './provider-queue.ts';

export interface DispatcherOptions {
  metrics: Metrics;
  log: Logger;
  /** The `reportingController` of every alert. */
  reportingController: string;
  dedupWindowMs: number;
  queueCapacity: number;
  retry?: RetryPolicy;
  now?: () => number;
}

interface Delivery {
  target: ProviderTarget;
  message: OutgoingMessage;
  alert: string;
}

interface ProviderEntry {
  target: ProviderTarget;
  queue: ProviderQueue<Delivery>;
}

export class Dispatcher {
  private readonly alerts = new Map<string, CompiledAlert>();
  private readonly providers = new Map<string, ProviderEntry>();
  private readonly dedup: Deduplicator;
  private readonly causes: CauseMemory;
  private readonly options: DispatcherOptions;

  constructor(options: DispatcherOptions) {
    this.options = options;
    this.dedup = new Deduplicator(options.dedupWindowMs, options.now);
    this.causes = new CauseMemory(options.now);
  }

  setAlert(alert: CompiledAlert): void {
    this.alerts.set(alert.key, alert);
  }

  removeAlert(key: string): void {
    this.alerts.delete(key);
  }

  hasProvider(key: string): boolean {
    return this.providers.has(key);
  }

  /** A changed target applies to messages rendered from now on; queued ones keep theirs. */
  setProvider(target: ProviderTarget): void {
    const entry = this.providers.get(target.key);
    if (entry) entry.target = target;
    else this.providers.set(target.key, { target, queue: this.newQueue(target.key) });
  }

  removeProvider(key: string): void {
    this.providers.get(key)?.queue.stop();
    this.providers.delete(key);
  }

  /** For the EventRecorder's subscribe(). */
  readonly onEvent = (recorded: RecordedEvent): void => {
    const event = this.causes.withCause(recorded);
    for (const alert of this.alerts.values()) {
      try {
        this.offer(alert, event);
      } catch (err) {
        this.options.log.error({ err, alert: alert.key }, 'could not prepare an alert');
      }
    }
  };

  private offer(alert: CompiledAlert, event: RecordedEvent): void {
    if (judge(alert, event) !== 'send') return;
    const entry = this.providers.get(alert.providerKey);
    if (!entry) return;
    const notification = toNotification(event, this.options.reportingController, alert.spec.eventMetadata);
    if (!this.dedup.first(alert.providerKey, notification)) {
      this.options.log.debug({ alert: alert.key, provider: alert.providerKey, reason: event.reason }, 'identical alert sent recently; not sent again');
      return;
    }
    entry.queue.push({ target: entry.target, message: render(entry.target, notification), alert: alert.key });
  }

  private newQueue(provider: string): ProviderQueue<Delivery> {
    const { metrics, log } = this.options;
    return new ProviderQueue<Delivery>(this.options.queueCapacity, this.options.retry ?? DEFAULT_RETRY, {
      send: (d) => post(d.target, d.message),
      dropped: (d) => {
        metrics.notificationsDropped.inc({ provider });
        log.warn({ provider, alert: d.alert, summary: d.message.summary }, 'alert dropped: the provider\'s queue is full (its endpoint is slow or down) or the provider went away');
      },
      delivered: (d, attempts) => {
        metrics.notificationsSent.inc({ provider, result: 'delivered' });
        log.debug({ provider, alert: d.alert, attempts, summary: d.message.summary }, 'alert delivered');
      },
      failed: (d, err, attempts) => {
        metrics.notificationsSent.inc({ provider, result: 'failed' });
        log.warn({ provider, alert: d.alert, attempts, error: err instanceof Error ? err.message : String(err), summary: d.message.summary }, 'alert not delivered');
      },
    });
  }
}
