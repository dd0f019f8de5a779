// The one line a person reads first, and the fields under it, built from an event's metadata
// (pure). HelmRelease events carry release, chart, fromVersion/toVersion, fromRevision/toRevision,
// testResults, helmReason and (remediations) cause; a key that is missing is left out of the
// sentence, never guessed.
import { objectName, type NotificationEvent } from './event.ts';

export interface Field {
  title: string;
  value: string;
}

const CAUSE_LIMIT = 300;

function arrow(from: string | undefined, to: string | undefined): string | undefined {
  if (from && to && from !== to) return `${from} → ${to}`;
  return to ?? from;
}

function join(...parts: (string | undefined | false)[]): string {
  return parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join(' ');
}

/** What follows "failed:" in a note's first line (the error), or the whole first line. */
export function causeFromNote(note: string): string {
  const first = note.split('\n')[0] ?? '';
  const at = first.indexOf(' failed: ');
  const cause = at >= 0 ? first.slice(at + ' failed: '.length) : first;
  return cause.length > CAUSE_LIMIT ? `${cause.slice(0, CAUSE_LIMIT - 1)}…` : cause;
}

/** The root cause: the event's `cause` when it names one, else read from its message. */
export function causeOf(e: NotificationEvent): string {
  return e.metadata.cause ?? causeFromNote(e.message);
}

/** `testResults` is name=phase,…: one word for the lot, and the failures by name. */
export function testsVerdict(results: string | undefined): string | undefined {
  if (!results) return undefined;
  const hooks = results.split(',').map((r) => r.split('='));
  const failed = hooks.filter(([, phase]) => phase !== 'Succeeded').map(([name]) => name);
  return failed.length === 0 ? `tests passed (${hooks.length})` : `tests failed: ${failed.join(', ')}`;
}

export function summaryLine(e: NotificationEvent): string {
  const m = e.metadata;
  const release = m.release ?? `${e.involvedObject.namespace}/${e.involvedObject.name}`;
  const chartAt = (version: string | undefined) => join(m.chart, version);
  const change = chartAt(arrow(m.fromVersion, m.toVersion));
  const withTests = (line: string) => { const t = testsVerdict(m.testResults); return t ? `${line}; ${t}` : line; };
  const at = (revision: string | undefined, what = '') => (revision ? `; now at revision ${revision}${what}` : '');
  // Without the release facts (events of other kinds) the sentence would be half empty.
  const reason = m.chart === undefined ? '' : e.reason;
  switch (reason) {
    case 'InstallSucceeded':
      return withTests(`Installed ${release}: ${join(chartAt(m.toVersion), m.toRevision && `at revision ${m.toRevision}`)}`);
    case 'UpgradeSucceeded':
      return withTests(`Upgraded ${release}: ${change}${at(m.toRevision)}`);
    case 'InstallFailed':
      return withTests(`Install of ${release} failed: ${join(chartAt(m.toVersion), `(${causeOf(e)})`)}`);
    case 'UpgradeFailed':
      return withTests(`Upgrade of ${release} failed: ${join(change, `(${causeOf(e)})`)}`);
    case 'RollbackSucceeded':
      // A rollback's from is the failed revision, its to the good one it restored.
      return withTests(`Rolled back ${release}: ${join('upgrade', chartAt(arrow(m.toVersion, m.fromVersion)), 'failed', m.cause && `(${m.cause})`)}${at(m.toRevision, m.toVersion ? ` (${chartAt(m.toVersion)})` : '')}`);
    case 'RollbackFailed':
      return withTests(`Rollback of ${release} failed (${causeOf(e)})`);
    case 'UninstallSucceeded':
      // With a cause it was a remediation (causes.ts): say what it answered.
      return `Uninstalled ${release}${m.cause ? ` after a failure (${m.cause})` : ''}`;
    default:
      return withTests(`${e.reason} ${objectName(e.involvedObject)}: ${e.message.split('\n')[0] ?? ''}`);
  }
}

// Keys shown as their own fields, in this order; valuesDigest stays in the generic payload only.
const KNOWN: [string, string][] = [['release', 'Release'], ['chart', 'Chart']];
const HIDDEN = new Set(['release', 'chart', 'fromVersion', 'toVersion', 'fromRevision', 'toRevision', 'testResults', 'cause', 'helmReason', 'valuesDigest']);

export function fields(e: NotificationEvent): Field[] {
  const m = e.metadata;
  const out: Field[] = [];
  for (const [key, title] of KNOWN) if (m[key]) out.push({ title, value: m[key] });
  const version = arrow(m.fromVersion, m.toVersion);
  if (version) out.push({ title: 'Version', value: version });
  const revision = arrow(m.fromRevision, m.toRevision);
  if (revision) out.push({ title: 'Revision', value: revision });
  const tests = testsVerdict(m.testResults);
  if (tests) out.push({ title: 'Tests', value: (m.testResults ?? '').split(',').join(', ') });
  if (m.cause) out.push({ title: 'Cause', value: m.cause });
  else if (e.severity === 'error' && m.release) out.push({ title: 'Cause', value: causeOf(e) });
  if (m.helmReason) out.push({ title: 'Helm error', value: m.helmReason });
  for (const [key, value] of Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!HIDDEN.has(key)) out.push({ title: key, value });
  }
  return out;
}
