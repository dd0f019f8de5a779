import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applySteps, findCondition, markReady, markReconciling, markStalled, setCondition } from '../../../src/api/conditions.ts';

const T1 = '2026-01-01T00:00:00Z';
const T2 = '2026-01-01T00:05:00Z';

describe('conditions', () => {
  it('keeps lastTransitionTime when the status does not change, even if the message does', () => {
    const first = setCondition([], { type: 'Ready', status: 'True', reason: 'A', message: 'one' }, 1, T1);
    const second = setCondition(first, { type: 'Ready', status: 'True', reason: 'B', message: 'two' }, 2, T2);
    assert.equal(findCondition(second, 'Ready')?.lastTransitionTime, T1);
    assert.equal(findCondition(second, 'Ready')?.message, 'two');
    assert.equal(findCondition(second, 'Ready')?.observedGeneration, 2);
  });

  it('moves lastTransitionTime when the status changes', () => {
    const first = setCondition([], { type: 'Ready', status: 'True', reason: 'A', message: '' }, 1, T1);
    const second = setCondition(first, { type: 'Ready', status: 'False', reason: 'B', message: '' }, 1, T2);
    assert.equal(findCondition(second, 'Ready')?.lastTransitionTime, T2);
  });

  it('reconciling sets Ready=Unknown; ready clears Reconciling and Stalled; stalled clears Reconciling', () => {
    const reconciling = applySteps([], markReconciling('Progressing', 'installing', 1, T1));
    assert.deepEqual(reconciling.map((c) => [c.type, c.status]), [['Ready', 'Unknown'], ['Reconciling', 'True']]);
    const stalled = applySteps(reconciling, markStalled('RetriesExceeded', 'gave up', 1, T2));
    assert.deepEqual(stalled.map((c) => [c.type, c.status]), [['Ready', 'False'], ['Stalled', 'True']]);
    const ready = applySteps(stalled, markReady('Succeeded', 'done', 1, T2));
    assert.deepEqual(ready.map((c) => [c.type, c.status]), [['Ready', 'True']]);
  });
});
