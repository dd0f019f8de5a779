// `capstan get KIND [NAME]`: one line per object (NAME, REVISION, SUSPENDED, READY, MESSAGE, AGE),
// or the objects themselves with -o json|yaml; --watch prints a line whenever one changes.
import { KINDS, type KindName } from '../../api/kinds.ts';
import { ApiError } from '../../kube/errors.ts';
import { Informer } from '../../kube/informer.ts';
import { capstanResource, collectionPath, objectPath, type KubeList, type KubeObject } from '../../kube/resource.ts';
import { UserError } from '../errors.ts';
import { colourReady, serialise, table, type Colors, type OutputFormat } from '../output.ts';
import type { Session } from '../session.ts';
import { summarise } from '../summary.ts';

export interface GetOptions {
  kind: KindName;
  name?: string | undefined;
  output: OutputFormat;
  watch: boolean;
}

export async function getObjects(session: Session, kind: KindName, name?: string): Promise<KubeObject[]> {
  const resource = capstanResource(kind);
  if (name !== undefined) {
    try {
      return [await session.client.request<KubeObject>('GET', objectPath(resource, session.namespace, name))];
    } catch (err) {
      if (err instanceof ApiError && err.statusCode === 404) throw notFound(kind, session.namespace, name);
      throw err;
    }
  }
  const list = await session.client.request<KubeList<KubeObject>>('GET', collectionPath(resource, session.scope));
  return (list.items ?? []).sort((a, b) => `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name}`));
}

export function notFound(kind: KindName, namespace: string, name: string): UserError {
  const short = KINDS[kind].shortNames[0] ?? KINDS[kind].plural;
  return new UserError(`${KINDS[kind].singular} ${namespace}/${name} not found: check the name and the namespace (capstan get ${short} -A lists them all)`);
}

function rows(session: Session, kind: KindName, objects: KubeObject[], c: Colors): string[][] {
  const now = Date.now();
  return objects.map((o) => {
    const r = summarise(kind, o, now);
    const cells = [r.name, r.revision, r.suspended, colourReady(c, r.ready), r.message, r.age];
    return session.scope === undefined ? [r.namespace, ...cells] : cells;
  });
}

function head(session: Session): string[] {
  const cells = ['NAME', 'REVISION', 'SUSPENDED', 'READY', 'MESSAGE', 'AGE'];
  return session.scope === undefined ? ['NAMESPACE', ...cells] : cells;
}

export async function runGet(session: Session, options: GetOptions, c: Colors, out: (s: string) => void): Promise<void> {
  const objects = await getObjects(session, options.kind, options.name);
  if (options.output !== 'table') {
    const value = options.name !== undefined ? objects[0] : { apiVersion: 'v1', kind: 'List', items: objects };
    out(serialise(value, options.output));
  } else if (objects.length === 0 && !options.watch) {
    out(`no ${KINDS[options.kind].plural} found in ${session.scope === undefined ? 'any namespace' : `namespace ${session.scope}`}\n`);
  } else if (objects.length > 0) {
    out(table(head(session), rows(session, options.kind, objects, c)));
  }
  if (options.watch) await watchRows(session, options, c, out);
}

/** Prints a line for every later change until Ctrl-C. */
async function watchRows(session: Session, options: GetOptions, c: Colors, out: (s: string) => void): Promise<void> {
  const stop = new AbortController();
  process.once('SIGINT', () => { stop.abort(); });
  const watcher = new Informer<KubeObject>(session.client, { resource: capstanResource(options.kind), namespace: session.scope });
  const running = watcher.run(stop.signal);
  await watcher.whenSynced();
  const print = (o: KubeObject) => {
    if (options.name !== undefined && o.metadata.name !== options.name) return;
    out(options.output === 'table' ? table([], rows(session, options.kind, [o], c)) : serialise(o, options.output));
  };
  watcher.addHandlers({ add: print, update: print });
  await running;
}
