// The controller's Prometheus metrics, in a registry of its own (no global state), with the
// reconcile counters pre-set to 0 so that rates exist before the first event.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ConditionLabel } from './condition-metrics.ts';

export const RECONCILE_RESULTS = ['success', 'requeue', 'error'] as const;
export type ReconcileOutcome = (typeof RECONCILE_RESULTS)[number];

export function createMetrics(kinds: readonly string[]) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'capstan_' });
  const m = {
    registry,
    reconcileTotal: new Counter({ name: 'capstan_reconcile_total', help: 'Reconciles by kind and result.', labelNames: ['kind', 'result'], registers: [registry] }),
    reconcileDuration: new Histogram({
      name: 'capstan_reconcile_duration_seconds', help: 'Time spent in one reconcile.', labelNames: ['kind'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300], registers: [registry],
    }),
    condition: new Gauge<ConditionLabel>({
      name: 'capstan_condition', help: 'Each condition of each watched capstan object: 1 for its current status, 0 for the other statuses.',
      labelNames: ['kind', 'namespace', 'name', 'type', 'status'], registers: [registry],
    }),
    queueDepth: new Gauge({ name: 'capstan_workqueue_depth', help: 'Keys waiting for a worker.', labelNames: ['kind'], registers: [registry] }),
    queueAdds: new Counter({ name: 'capstan_workqueue_adds_total', help: 'Keys queued.', labelNames: ['kind'], registers: [registry] }),
    queueWait: new Histogram({
      name: 'capstan_workqueue_wait_seconds', help: 'Time a key waited for a worker.', labelNames: ['kind'],
      buckets: [0.001, 0.01, 0.1, 0.5, 1, 5, 10, 60], registers: [registry],
    }),
    // dry_run="true": a dry run (POST/PATCH/PUT/DELETE with dryRun=All) stored nothing, so it is no write.
    apiRequests: new Counter({ name: 'capstan_api_requests_total', help: 'Requests to the Kubernetes API by verb, status code and whether they were dry runs.', labelNames: ['verb', 'code', 'dry_run'], registers: [registry] }),
    helmActions: new Histogram({
      name: 'capstan_helm_action_duration_seconds', help: 'helm invocations by action and result.', labelNames: ['action', 'result'],
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 600], registers: [registry],
    }),
    watchEvents: new Counter({ name: 'capstan_watch_events_total', help: 'Watch lifecycle events by resource and type.', labelNames: ['resource', 'type'], registers: [registry] }),
    leader: new Gauge({ name: 'capstan_leader', help: '1 while this replica holds the leader lease.', registers: [registry] }),
    notificationsDropped: new Counter({ name: 'capstan_notifications_dropped_total', help: 'Alerts dropped because their Provider\'s queue was full or the Provider went away.', labelNames: ['provider'], registers: [registry] }),
    notificationsSent: new Counter({ name: 'capstan_notifications_total', help: 'Alert deliveries by Provider and result (delivered or failed after retries).', labelNames: ['provider', 'result'], registers: [registry] }),
  };
  for (const kind of kinds) {
    for (const result of RECONCILE_RESULTS) m.reconcileTotal.inc({ kind, result }, 0);
  }
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;
