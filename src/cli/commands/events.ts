// `capstan events [--for KIND/NAME] [--watch]`: the events of capstan's objects, oldest first, one
// line each (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE), as `flux events` prints them.
import { KINDS, type KindName } from '../../api/kinds.ts';
import { Informer } from '../../kube/informer.ts';
import { collectionPath, CORE, type KubeList, type KubeObject } from '../../kube/resource.ts';
import { table, type Colors } from '../output.ts';
import type { Session } from '../session.ts';
import { humanDuration } from '../summary.ts';

interface ClusterEvent extends KubeObject {
  regarding?: { kind?: string; name?: string; namespace?: string };
  reason?: string;
  note?: string;
  type?: string;
  eventTime?: string | null;
  series?: { lastObservedTime?: string };
  deprecatedLastTimestamp?: string;
}

export interface EventsOptions {
  for?: { kind: KindName; name: string } | undefined;
  watch: boolean;
}

const CAPSTAN_KINDS = new Set<string>(Object.keys(KINDS));

function lastSeen(e: ClusterEvent): number {
  return Date.parse(e.series?.lastObservedTime ?? e.eventTime ?? e.deprecatedLastTimestamp ?? e.metadata.creationTimestamp ?? '') || 0;
}

/** Pure: the events worth showing, oldest first. */
export function selectEvents(events: ClusterEvent[], target: EventsOptions['for']): ClusterEvent[] {
  return events
    .filter((e) => target ? e.regarding?.kind === target.kind && e.regarding.name === target.name : CAPSTAN_KINDS.has(e.regarding?.kind ?? ''))
    .sort((a, b) => lastSeen(a) - lastSeen(b));
}

function row(e: ClusterEvent, c: Colors, now: number, allNamespaces: boolean): string[] {
  const object = `${e.regarding?.kind ?? '?'}/${e.regarding?.name ?? '?'}`;
  const cells = [humanDuration(now - lastSeen(e)), e.type === 'Warning' ? c.yellow('Warning') : 'Normal', e.reason ?? '', object, (e.note ?? '').replace(/\s*\n\s*/g, ' ')];
  return allNamespaces ? [e.metadata.namespace ?? '', ...cells] : cells;
}

export async function runEvents(session: Session, options: EventsOptions, c: Colors, out: (s: string) => void): Promise<void> {
  const all = session.scope === undefined;
  const head = [...(all ? ['NAMESPACE'] : []), 'LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'];
  const list = await session.client.request<KubeList<ClusterEvent>>('GET', collectionPath(CORE.Event, session.scope));
  const events = selectEvents(list.items ?? [], options.for);
  if (events.length > 0) out(table(head, events.map((e) => row(e, c, Date.now(), all))));
  else if (!options.watch) out(`no events found${options.for ? ` for ${options.for.kind}/${options.for.name}` : ''}\n`);
  if (!options.watch) return;

  const stop = new AbortController();
  process.once('SIGINT', () => { stop.abort(); });
  const informer = new Informer<ClusterEvent>(session.client, { resource: CORE.Event, namespace: session.scope });
  const running = informer.run(stop.signal);
  await informer.whenSynced();
  const print = (e: ClusterEvent) => {
    for (const shown of selectEvents([e], options.for)) out(table([], [row(shown, c, Date.now(), all)]));
  };
  informer.addHandlers({ add: print, update: print });
  await running;
}
