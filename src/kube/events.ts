// Kubernetes events (events.k8s.io/v1) for every action, with repeats folded into a series as
// the API conventions ask, and an in-process stream the notification module subscribes to.
import { createHash } from 'node:crypto';
import type { KubeClient } from './client.ts';
import { apiVersionOf, collectionPath, CORE, objectPath, type KubeObject } from './resource.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventInput {
  regarding: KubeObject & { apiVersion: string; kind: string };
  type: EventType;
  reason: string;
  /** What the controller did (Install, Upgrade, Rollback, Fetch, …). */
  action: string;
  note: string;
  /** Structured facts for notifications (release, chart, versions, digests); never secrets. */
  metadata?: Record<string, string>;
}

export interface RecordedEvent extends EventInput {
  time: string;
  count: number;
}

export type EventListener = (event: RecordedEvent) => void;

interface SeriesEntry {
  name: string;
  namespace: string;
  count: number;
  lastSeen: number;
}

const NOTE_LIMIT = 1024;
// Repeats within this window join the first event's series instead of creating a new event.
const SERIES_WINDOW_MS = 10 * 60_000;
const MAX_SERIES = 4096;

export class EventRecorder {
  private readonly client: KubeClient;
  private readonly controller: string;
  private readonly instance: string;
  private readonly series = new Map<string, SeriesEntry>();
  private readonly listeners = new Set<EventListener>();

  constructor(client: KubeClient, controller: string, instance: string) {
    this.client = client;
    this.controller = controller;
    this.instance = instance;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async record(input: EventInput): Promise<void> {
    const now = new Date();
    const note = truncateNote(input.note);
    const key = seriesKey(input, note);
    const known = this.series.get(key);
    let count = 1;
    if (known && now.getTime() - known.lastSeen < SERIES_WINDOW_MS) {
      count = known.count + 1;
      known.count = count;
      known.lastSeen = now.getTime();
      await this.client.request('PATCH', objectPath(CORE.Event, known.namespace, known.name), {
        body: { series: { count, lastObservedTime: microTime(now) } },
        contentType: 'application/merge-patch+json',
      });
    } else {
      const namespace = input.regarding.metadata.namespace ?? 'default';
      const name = `${input.regarding.metadata.name}.${now.getTime().toString(16)}${Math.floor(Math.random() * 0xfff).toString(16)}`;
      await this.client.request('POST', collectionPath(CORE.Event, namespace), {
        body: {
          apiVersion: apiVersionOf(CORE.Event),
          kind: 'Event',
          metadata: { name, namespace, ...(input.metadata ? { annotations: prefixed(input.metadata) } : {}) },
          eventTime: microTime(now),
          reportingController: this.controller,
          reportingInstance: this.instance,
          action: input.action,
          reason: input.reason,
          type: input.type,
          note,
          regarding: {
            apiVersion: input.regarding.apiVersion,
            kind: input.regarding.kind,
            name: input.regarding.metadata.name,
            namespace: input.regarding.metadata.namespace,
            uid: input.regarding.metadata.uid,
            resourceVersion: input.regarding.metadata.resourceVersion,
          },
        },
      });
      this.remember(key, { name, namespace, count: 1, lastSeen: now.getTime() });
    }
    const recorded: RecordedEvent = { ...input, note, time: now.toISOString(), count };
    for (const listener of this.listeners) listener(recorded);
  }

  private remember(key: string, entry: SeriesEntry): void {
    if (this.series.size >= MAX_SERIES) {
      const oldest = this.series.keys().next().value;
      if (oldest !== undefined) this.series.delete(oldest);
    }
    this.series.set(key, entry);
  }
}

/** The API server counts the note's bytes, not its characters: cut on a character boundary, room left for the ellipsis. */
export function truncateNote(note: string): string {
  if (Buffer.byteLength(note) <= NOTE_LIMIT) return note;
  let cut = note.slice(0, NOTE_LIMIT - 3);
  while (Buffer.byteLength(cut) > NOTE_LIMIT - 3) cut = cut.slice(0, -1);
  return `${cut}…`;
}

function seriesKey(input: EventInput, note: string): string {
  const r = input.regarding.metadata;
  return createHash('sha256').update([r.uid ?? `${r.namespace ?? ''}/${r.name}`, input.type, input.reason, input.action, note].join('\0')).digest('hex');
}

function prefixed(metadata: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata).map(([k, v]) => [`event.capstan.dev/${k}`, v]));
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
