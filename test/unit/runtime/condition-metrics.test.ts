import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Gauge, Registry } from 'prom-client';
import type { KubeObject } from '../../../src/kube/resource.ts';
import { conditionGaugeHandlers, type ConditionLabel } from '../../../src/runtime/condition-metrics.ts';

const repo = (conditions: { type: string; status: string }[]) => ({ metadata: { name: 'charts', namespace: 'ns' }, status: { conditions } }) as KubeObject;

async function series(gauge: Gauge<ConditionLabel>): Promise<string[]> {
  return (await gauge.get()).values.map((v) => `${String(v.labels.type)}/${String(v.labels.status)}=${v.value}`).sort();
}

describe('conditionGaugeHandlers', () => {
  const setup = () => {
    const gauge = new Gauge<ConditionLabel>({ name: 'c', help: 'c', labelNames: ['kind', 'namespace', 'name', 'type', 'status'], registers: [new Registry()] });
    return { gauge, handlers: conditionGaugeHandlers(gauge, 'HelmRepository') };
  };

  it('sets 1 for each condition\'s current status and 0 for the others', async () => {
    const { gauge, handlers } = setup();
    handlers.add?.(repo([{ type: 'Ready', status: 'False' }]));
    assert.deepEqual(await series(gauge), ['Ready/False=1', 'Ready/True=0', 'Ready/Unknown=0']);
  });

  it('follows a status change and drops a condition that went away', async () => {
    const { gauge, handlers } = setup();
    const old = repo([{ type: 'Ready', status: 'False' }, { type: 'Stalled', status: 'True' }]);
    handlers.add?.(old);
    handlers.update?.(repo([{ type: 'Ready', status: 'True' }]), old);
    assert.deepEqual(await series(gauge), ['Ready/False=0', 'Ready/True=1', 'Ready/Unknown=0']);
  });

  it('removes every series of a deleted object', async () => {
    const { gauge, handlers } = setup();
    const obj = repo([{ type: 'Ready', status: 'True' }]);
    handlers.add?.(obj);
    handlers.delete?.(obj);
    assert.deepEqual(await series(gauge), []);
  });
});
