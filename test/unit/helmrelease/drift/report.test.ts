// What a drift check tells the user: the Drifted condition and when an event goes with it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DriftedObject, DriftReport } from '../../../../src/helmrelease/drift/detect.ts';
import { driftCondition, driftEvent, type DriftOutcome } from '../../../../src/helmrelease/drift/report.ts';
import { CORE } from '../../../../src/kube/resource.ts';

const drifted = (name: string, fields: string[], missing = false): DriftedObject => ({
  ref: { apiVersion: 'v1', kind: 'ConfigMap', name, namespace: 'team' }, resource: CORE.ConfigMap,
  missing, fields, applied: {}, ignored: [], live: undefined,
});
const report: DriftReport = { checked: 3, drifted: [drifted('a', ['/data/x', '/metadata/labels/helm.sh~1chart']), drifted('b', [], true)] };
const release = 'team/web';

describe('driftCondition', () => {
  it('names each drifted object and field, and how to correct or ignore them', () => {
    const c = driftCondition({ kind: 'detected', report }, release);
    assert.equal(c.status, 'True');
    assert.equal(c.reason, 'DriftDetected');
    assert.equal(c.message, 'drift in 2 of the 3 object(s) of release team/web: ConfigMap team/a changed at /data/x, /metadata/labels/helm.sh~1chart; ' +
      'ConfigMap team/b deleted; set spec.driftDetection.mode: enabled to correct it, or leave these fields out with spec.driftDetection.ignore');
  });
  it('is False after a correction, and False NoDrift when nothing drifted', () => {
    assert.deepEqual([driftCondition({ kind: 'corrected', report }, release).status, driftCondition({ kind: 'corrected', report }, release).reason], ['False', 'DriftCorrected']);
    assert.deepEqual(driftCondition({ kind: 'in-sync', report: { checked: 3, drifted: [] } }, release),
      { type: 'Drifted', status: 'False', reason: 'NoDrift', message: 'no drift in the 3 object(s) of release team/web' });
  });
  it('is Unknown when the check failed', () => {
    const c = driftCondition({ kind: 'failed', reason: 'DriftDetectionFailed', message: 'forbidden' }, release);
    assert.deepEqual([c.status, c.reason, c.message], ['Unknown', 'DriftDetectionFailed', 'forbidden']);
  });
  it('lists at most 10 objects and 10 fields each', () => {
    const many: DriftReport = { checked: 20, drifted: Array.from({ length: 12 }, (_, i) => drifted(`o${String(i)}`, Array.from({ length: 12 }, (_, j) => `/data/k${String(j)}`))) };
    const message = driftCondition({ kind: 'detected', report: many }, release).message;
    assert.match(message, /\/data\/k9 and 2 more;/);
    assert.match(message, /ConfigMap team\/o9 changed .* and 2 more; set/);
    assert.doesNotMatch(message, /o10/);
  });
});

describe('driftEvent', () => {
  const outcome: DriftOutcome = { kind: 'detected', report };
  const condition = driftCondition(outcome, release);
  it('reports a new drift once, and not again while it stays the same', () => {
    assert.equal(driftEvent(outcome, condition, undefined)?.reason, 'DriftDetected');
    assert.equal(driftEvent(outcome, condition, { ...condition, lastTransitionTime: '2026-01-01T00:00:00Z' }), undefined);
  });
  it('reports every correction', () => {
    const corrected: DriftOutcome = { kind: 'corrected', report };
    const c = driftCondition(corrected, release);
    assert.equal(driftEvent(corrected, c, { ...c, lastTransitionTime: '2026-01-01T00:00:00Z' })?.reason, 'DriftCorrected');
  });
  it('reports nothing when nothing drifted', () => {
    const inSync: DriftOutcome = { kind: 'in-sync', report: { checked: 1, drifted: [] } };
    assert.equal(driftEvent(inSync, driftCondition(inSync, release), undefined), undefined);
  });
});
