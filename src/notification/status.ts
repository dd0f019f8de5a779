// What a Provider's, Alert's or Receiver's status becomes after a reconcile (pure).
import { applySteps, markFailed, markReady, markStalled } from '../api/conditions.ts';
import type { NotificationStatus } from '../api/notification.ts';
import { ANNOTATIONS } from '../api/objects.ts';
import type { KubeObject } from '../kube/resource.ts';

export interface StatusInput {
  obj: KubeObject & { status?: NotificationStatus };
  now: string;
}

function handled(obj: KubeObject): Pick<NotificationStatus, 'lastHandledReconcileAt'> {
  const requested = obj.metadata.annotations?.[ANNOTATIONS.requestedAt];
  return requested !== undefined ? { lastHandledReconcileAt: requested } : {};
}

export function ready({ obj, now }: StatusInput, message: string, extra: Pick<NotificationStatus, 'webhookPath'> = {}): NotificationStatus {
  const generation = obj.metadata.generation;
  return {
    ...obj.status, ...extra, observedGeneration: generation,
    conditions: applySteps(obj.status?.conditions, markReady('Succeeded', message, generation, now)),
    ...handled(obj),
  };
}

/** stalled: retrying cannot help until the object changes. */
export function failed({ obj, now }: StatusInput, reason: string, message: string, stalled: boolean): NotificationStatus {
  const generation = obj.metadata.generation;
  const step = stalled ? markStalled(reason, message, generation, now) : markFailed(reason, message, generation, now);
  return { ...obj.status, observedGeneration: generation, conditions: applySteps(obj.status?.conditions, step), ...handled(obj) };
}
