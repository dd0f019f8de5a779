// The event as alerts carry it (the `generic` payload): built once from what the EventRecorder
// streamed, so every provider format starts from the same facts.
import type { RecordedEvent } from '../kube/events.ts';

export type Severity = 'info' | 'error';

export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid?: string;
}

export interface NotificationEvent {
  involvedObject: InvolvedObject;
  severity: Severity;
  reason: string;
  message: string;
  /** The event's facts plus the Alert's eventMetadata; the event's own keys win. */
  metadata: Record<string, string>;
  timestamp: string;
  reportingController: string;
}

export function severityOf(event: Pick<RecordedEvent, 'type'>): Severity {
  return event.type === 'Warning' ? 'error' : 'info';
}

export function toNotification(event: RecordedEvent, reportingController: string, alertMetadata: Record<string, string> = {}): NotificationEvent {
  const r = event.regarding;
  return {
    involvedObject: {
      apiVersion: r.apiVersion, kind: r.kind, namespace: r.metadata.namespace ?? 'default', name: r.metadata.name,
      ...(r.metadata.uid ? { uid: r.metadata.uid } : {}),
    },
    severity: severityOf(event),
    reason: event.reason,
    message: event.note,
    metadata: { ...alertMetadata, ...event.metadata },
    timestamp: event.time,
    reportingController,
  };
}

/** `helmrelease/apps/web`: how chat messages name the object. */
export function objectName(o: InvolvedObject): string {
  return `${o.kind.toLowerCase()}/${o.namespace}/${o.name}`;
}
