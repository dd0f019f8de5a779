// The per-object condition gauge, kept by informer handlers: every condition of every cached
// object has one series per status, 1 for the current one and 0 for the others (as Flux's
// gotk_reconcile_condition), so that an alert on status="False" sees a 0, not a gap, once the
// object recovers. A condition that disappears, or an object that is deleted, loses its series.
import type { Gauge } from 'prom-client';
import type { InformerHandlers } from '../kube/informer.ts';
import type { KubeObject } from '../kube/resource.ts';

export type ConditionLabel = 'kind' | 'namespace' | 'name' | 'type' | 'status';

interface WithConditions extends KubeObject {
  status?: { conditions?: readonly { type: string; status: string }[] };
}

// Every capstan kind's status has conditions (the CRD schemas guarantee their shape).
const conditionsOf = (o: KubeObject) => (o as WithConditions).status?.conditions ?? [];

const STATUSES = ['True', 'False', 'Unknown'] as const;

export function conditionGaugeHandlers<T extends KubeObject>(gauge: Gauge<ConditionLabel>, kind: string): InformerHandlers<T> {
  const labels = (o: T, type: string, status: string) => ({ kind, namespace: o.metadata.namespace ?? '', name: o.metadata.name, type, status });
  const types = (o: T) => new Set(conditionsOf(o).map((c) => c.type));
  const set = (o: T) => {
    for (const c of conditionsOf(o)) {
      for (const status of STATUSES) gauge.set(labels(o, c.type, status), c.status === status ? 1 : 0);
    }
  };
  const remove = (o: T, keep: ReadonlySet<string>) => {
    for (const type of types(o)) {
      if (!keep.has(type)) for (const status of STATUSES) gauge.remove(labels(o, type, status));
    }
  };
  return {
    add: set,
    update: (o, old) => { remove(old, types(o)); set(o); },
    delete: (o) => { remove(o, new Set()); },
  };
}
