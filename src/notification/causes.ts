// A remediation's event (a rollback, an uninstall after a failure) says what capstan did; the
// failure it answers is the event recorded just before it, for the same object. Alerts about the
// remediation carry that failure's cause, so that one message says what failed, why, and what was
// done about it. An event that names its own `cause` keeps it.
import type { RecordedEvent } from '../kube/events.ts';
import { causeFromNote } from './summary.ts';

const FAILURES = new Set(['InstallFailed', 'UpgradeFailed', 'TestFailed']);
const REMEDIATIONS = new Set(['RollbackSucceeded', 'RollbackFailed', 'UninstallSucceeded', 'UninstallFailed']);
// A remediation follows its failure within the same reconcile; an older failure is another story.
const WINDOW_MS = 30 * 60_000;
const MAX_OBJECTS = 1000;

export class CauseMemory {
  private readonly causes = new Map<string, { cause: string; at: number }>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  withCause(event: RecordedEvent): RecordedEvent {
    const r = event.regarding;
    const key = `${r.kind}/${r.metadata.namespace ?? ''}/${r.metadata.name}`;
    if (FAILURES.has(event.reason)) {
      this.causes.delete(key);
      if (this.causes.size >= MAX_OBJECTS) this.causes.delete(this.causes.keys().next().value ?? '');
      this.causes.set(key, { cause: event.metadata?.cause ?? causeFromNote(event.note), at: this.now() });
      return event;
    }
    if (!REMEDIATIONS.has(event.reason)) return event;
    const known = this.causes.get(key);
    this.causes.delete(key);
    if (event.metadata?.cause !== undefined || !known || this.now() - known.at > WINDOW_MS) return event;
    return { ...event, metadata: { ...event.metadata, cause: known.cause } };
  }
}
