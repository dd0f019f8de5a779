// What a drift check tells the user (pure): the Drifted condition, and the Warning event that goes
// with it. Detection alone is reported once per change of the drift (not on every resync);
// a correction is an action, reported every time it happens. Only object names and JSON pointers
// are named, never values (a Secret's data may have drifted).
import type { ConditionInput } from '../../api/conditions.ts';
import type { Condition } from '../../api/meta.ts';
import { describeRef, type DriftedObject, type DriftReport } from './detect.ts';

export const DRIFTED = 'Drifted';

export type DriftOutcome =
  | { kind: 'in-sync'; report: DriftReport }
  | { kind: 'detected'; report: DriftReport }
  | { kind: 'corrected'; report: DriftReport }
  | { kind: 'failed'; reason: 'DriftDetectionFailed' | 'DriftCorrectionFailed'; message: string };

export interface DriftEvent {
  reason: string;
  action: string;
  note: string;
}

const MAX_OBJECTS = 10;
const MAX_FIELDS = 10;

export function driftCondition(outcome: DriftOutcome, release: string): ConditionInput {
  switch (outcome.kind) {
    case 'in-sync':
      return { type: DRIFTED, status: 'False', reason: 'NoDrift', message: `no drift in the ${String(outcome.report.checked)} object(s) of release ${release}` };
    case 'detected':
      return {
        type: DRIFTED, status: 'True', reason: 'DriftDetected',
        message: `${summary(outcome.report, release)}; set spec.driftDetection.mode: enabled to correct it, or leave these fields out with spec.driftDetection.ignore`,
      };
    case 'corrected':
      return { type: DRIFTED, status: 'False', reason: 'DriftCorrected', message: `corrected: ${summary(outcome.report, release)}` };
    case 'failed':
      return { type: DRIFTED, status: 'Unknown', reason: outcome.reason, message: outcome.message };
  }
}

/** The event to record, if any, given the Drifted condition the status had before this check. */
export function driftEvent(outcome: DriftOutcome, condition: ConditionInput, previous: Condition | undefined): DriftEvent | undefined {
  const changed = previous?.status !== condition.status || previous.reason !== condition.reason || previous.message !== condition.message;
  switch (outcome.kind) {
    case 'in-sync':
      return undefined;
    case 'corrected':
      return { reason: 'DriftCorrected', action: 'CorrectDrift', note: condition.message };
    case 'detected':
      return changed ? { reason: 'DriftDetected', action: 'DetectDrift', note: condition.message } : undefined;
    case 'failed':
      return changed ? { reason: outcome.reason, action: outcome.reason === 'DriftCorrectionFailed' ? 'CorrectDrift' : 'DetectDrift', note: condition.message } : undefined;
  }
}

function summary(report: DriftReport, release: string): string {
  const objects = report.drifted.slice(0, MAX_OBJECTS).map(describeDrift);
  const more = report.drifted.length > MAX_OBJECTS ? `, and ${String(report.drifted.length - MAX_OBJECTS)} more` : '';
  return `drift in ${String(report.drifted.length)} of the ${String(report.checked)} object(s) of release ${release}: ${objects.join('; ')}${more}`;
}

function describeDrift(object: DriftedObject): string {
  if (object.missing) return `${describeRef(object.ref)} deleted`;
  const fields = object.fields.slice(0, MAX_FIELDS);
  const more = object.fields.length > MAX_FIELDS ? ` and ${String(object.fields.length - MAX_FIELDS)} more` : '';
  return `${describeRef(object.ref)} changed at ${fields.join(', ')}${more}`;
}
