// `capstan suspend|resume KIND NAME | --all`: flips spec.suspend; resume then waits for the
// reconcile it asks for, so the user sees whether the object caught up.
import { KINDS, type KindName } from '../../api/kinds.ts';
import { ApiError } from '../../kube/errors.ts';
import { capstanResource, objectPath } from '../../kube/resource.ts';
import { UsageError } from '../errors.ts';
import type { Colors } from '../output.ts';
import type { Session } from '../session.ts';
import { getObjects, notFound } from './get.ts';
import { reconcileAndReport, RECONCILABLE } from './reconcile.ts';

export interface SuspendOptions {
  kind: KindName;
  name?: string | undefined;
  all: boolean;
  suspend: boolean;
  wait: boolean;
  timeoutMs: number;
}

export async function runSuspend(session: Session, options: SuspendOptions, c: Colors): Promise<boolean> {
  if (options.all === (options.name !== undefined)) throw new UsageError('give either a NAME or --all');
  const names = options.name !== undefined ? [options.name] : (await getObjects(session, options.kind)).map((o) => o.metadata.name);
  const what = KINDS[options.kind].singular;
  let ok = true;
  for (const name of names) {
    try {
      await session.client.request('PATCH', objectPath(capstanResource(options.kind), session.namespace, name), {
        body: { spec: { suspend: options.suspend } }, contentType: 'application/merge-patch+json',
      });
    } catch (err) {
      if (err instanceof ApiError && err.statusCode === 404) throw notFound(options.kind, session.namespace, name);
      throw err;
    }
    process.stderr.write(`${c.green('✔')} ${what} ${session.namespace}/${name} ${options.suspend ? 'suspended' : 'resumed'}\n`);
    if (!options.suspend && options.wait && RECONCILABLE.includes(options.kind)) {
      ok = (await reconcileAndReport(session, options.kind, name, session.namespace, { timeoutMs: options.timeoutMs }, c)) && ok;
    }
  }
  return ok;
}
