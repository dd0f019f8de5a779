// Condition bookkeeping (pure): lastTransitionTime moves only when a status changes, and the
// kstatus trio Ready / Reconciling / Stalled stays consistent.
import type { Condition } from './meta.ts';

export const READY = 'Ready';
export const RECONCILING = 'Reconciling';
export const STALLED = 'Stalled';

export type ConditionStatus = Condition['status'];

export interface ConditionInput {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
}

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

export function isTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}

/** Returns the conditions with `input` set; its lastTransitionTime is kept when the status is unchanged. */
export function setCondition(conditions: readonly Condition[] | undefined, input: ConditionInput, generation: number | undefined, now: string): Condition[] {
  const current = findCondition(conditions, input.type);
  const next: Condition = {
    ...input,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    lastTransitionTime: current && current.status === input.status ? current.lastTransitionTime : now,
  };
  const others = (conditions ?? []).filter((c) => c.type !== input.type);
  return [...others, next].sort((a, b) => conditionOrder(a.type) - conditionOrder(b.type) || a.type.localeCompare(b.type));
}

export function removeCondition(conditions: readonly Condition[] | undefined, type: string): Condition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}

// Ready first, then the kstatus pair, then kind-specific ones: stable order means no spurious writes.
function conditionOrder(type: string): number {
  return type === READY ? 0 : type === RECONCILING ? 1 : type === STALLED ? 2 : 3;
}

type Step = (conditions: readonly Condition[] | undefined) => Condition[];

/** Applies condition changes in order. */
export function applySteps(conditions: readonly Condition[] | undefined, ...steps: Step[]): Condition[] {
  return steps.reduce<Condition[]>((acc, step) => step(acc), [...(conditions ?? [])]);
}

/** Ready=True; the object is neither reconciling nor stalled. */
export function markReady(reason: string, message: string, generation: number | undefined, now: string): Step {
  return (c) => removeCondition(removeCondition(setCondition(c, { type: READY, status: 'True', reason, message }, generation, now), RECONCILING), STALLED);
}

/** Work is under way: Reconciling=True and Ready=Unknown (kstatus "InProgress"). */
export function markReconciling(reason: string, message: string, generation: number | undefined, now: string): Step {
  return (c) => removeCondition(
    setCondition(setCondition(c, { type: RECONCILING, status: 'True', reason, message }, generation, now), { type: READY, status: 'Unknown', reason, message }, generation, now),
    STALLED,
  );
}

/** A failure that will be retried: Ready=False, still reconciling. */
export function markFailed(reason: string, message: string, generation: number | undefined, now: string): Step {
  return (c) => removeCondition(setCondition(c, { type: READY, status: 'False', reason, message }, generation, now), STALLED);
}

/** A failure that retrying cannot fix until the inputs change: Stalled=True, Ready=False. */
export function markStalled(reason: string, message: string, generation: number | undefined, now: string): Step {
  return (c) => removeCondition(
    setCondition(setCondition(c, { type: READY, status: 'False', reason, message }, generation, now), { type: STALLED, status: 'True', reason, message }, generation, now),
    RECONCILING,
  );
}
