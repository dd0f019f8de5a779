// `capstan reconcile KIND NAME`: asks for a reconcile through the requestedAt annotation (plus
// forceAt/resetAt for a HelmRelease), then follows the object until the controller has handled
// that request, showing its current phase, and reports the outcome.
import { ANNOTATIONS } from '../../api/objects.ts';
import { KINDS, type KindName } from '../../api/kinds.ts';
import { ApiError } from '../../kube/errors.ts';
import { Informer } from '../../kube/informer.ts';
import { capstanResource, objectPath, type KubeObject } from '../../kube/resource.ts';
import { UsageError, UserError } from '../errors.ts';
import type { Session } from '../session.ts';
import { readyCondition } from '../summary.ts';
import { notFound } from './get.ts';
import { startProgress, type Progress } from '../progress.ts';
import type { Colors } from '../output.ts';

export const RECONCILABLE: readonly KindName[] = ['HelmRelease', 'HelmRepository', 'GitRepository', 'Kustomization'];

export interface ReconcileOptions {
  kind: KindName;
  name: string;
  withSource: boolean;
  force: boolean;
  reset: boolean;
  timeoutMs: number;
}

interface Reconciled extends KubeObject {
  spec?: { suspend?: boolean; chart?: { spec?: { sourceRef?: { kind: string; name: string; namespace?: string } } }; sourceRef?: { kind: string; name: string; namespace?: string } };
  status?: {
    lastHandledReconcileAt?: string;
    observedGeneration?: number;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    history?: { chartName?: string; chartVersion?: string; version?: number }[];
  };
}

/** Sets the annotations; the value is the token that status.lastHandledReconcileAt echoes back. */
export async function requestReconcile(session: Session, kind: KindName, name: string, namespace: string, extra: string[] = []): Promise<string> {
  const token = new Date().toISOString();
  const annotations = Object.fromEntries([ANNOTATIONS.requestedAt, ...extra].map((a) => [a, token]));
  try {
    await session.client.request('PATCH', objectPath(capstanResource(kind), namespace, name), {
      body: { metadata: { annotations } }, contentType: 'application/merge-patch+json',
    });
  } catch (err) {
    if (err instanceof ApiError && err.statusCode === 404) throw notFound(kind, namespace, name);
    throw err;
  }
  return token;
}

/** The object once the controller has handled `token` and reached a verdict (Ready True or False). */
export async function waitForReconcile(
  session: Session, kind: KindName, name: string, namespace: string, token: string, timeoutMs: number, progress: Progress,
): Promise<Reconciled> {
  const stop = new AbortController();
  const timer = setTimeout(() => { stop.abort(); }, timeoutMs);
  const informer = new Informer<Reconciled>(session.client, {
    resource: capstanResource(kind), namespace, fieldSelector: `metadata.name=${name}`, watchTimeoutSeconds: Math.ceil(timeoutMs / 1000),
  });
  try {
    return await new Promise<Reconciled>((resolve, reject) => {
      const look = (o: Reconciled) => {
        const ready = readyCondition(o);
        if (o.status?.lastHandledReconcileAt !== token) return;
        progress.phase(ready?.message ?? 'reconciling');
        const current = o.status.observedGeneration === undefined || o.status.observedGeneration === o.metadata.generation;
        if (current && (ready?.status === 'True' || ready?.status === 'False')) resolve(o);
      };
      informer.addHandlers({ add: look, update: look });
      stop.signal.addEventListener('abort', () => {
        const what = `${KINDS[kind].singular} ${namespace}/${name}`;
        reject(new UserError(`timed out after ${String(Math.round(timeoutMs / 1000))}s waiting for ${what} to be reconciled: is the controller running? (capstan check)`));
      });
      informer.run(stop.signal).catch(reject);
    });
  } finally {
    clearTimeout(timer);
    stop.abort();
  }
}

/** `app 1.0.0 → 2.0.0, revision 3` when the newest revision changed the chart version. */
function change(before: Reconciled | undefined, after: Reconciled): string {
  const [newest] = after.status?.history ?? [];
  const old = before?.status?.history?.[0];
  if (!newest) return '';
  if (!old || old.version === newest.version) return ` (revision ${String(newest.version ?? '?')})`;
  const versions = old.chartVersion === newest.chartVersion ? `${newest.chartName ?? ''} ${newest.chartVersion ?? ''}` : `${newest.chartName ?? ''} ${old.chartVersion ?? ''} → ${newest.chartVersion ?? ''}`;
  return ` (${versions}, revision ${String(old.version ?? '?')} → ${String(newest.version ?? '?')})`;
}

export async function reconcileAndReport(
  session: Session, kind: KindName, name: string, namespace: string, options: { timeoutMs: number; extra?: string[] }, c: Colors,
): Promise<boolean> {
  const resource = capstanResource(kind);
  const before = await session.client.request<Reconciled>('GET', objectPath(resource, namespace, name)).catch(() => undefined);
  if (before?.spec?.suspend === true) throw new UserError(`${KINDS[kind].singular} ${namespace}/${name} is suspended: resume it first (capstan resume ${KINDS[kind].shortNames[0] ?? kind} ${name})`);
  const what = `${kind} ${namespace}/${name}`;
  const progress = startProgress(`reconciling ${what}`, c);
  try {
    const token = await requestReconcile(session, kind, name, namespace, options.extra);
    const after = await waitForReconcile(session, kind, name, namespace, token, options.timeoutMs, progress);
    const ready = readyCondition(after);
    const tests = after.status?.conditions?.find((cond) => cond.type === 'TestSuccess');
    const detail = `${ready?.message ?? ''}${kind === 'HelmRelease' ? change(before, after) : ''}${tests?.message ? `; tests: ${tests.message}` : ''}`;
    if (ready?.status === 'True') progress.succeed(`${what} reconciled: ${detail}`);
    else progress.fail(`${what} failed (${ready?.reason ?? 'unknown reason'}): ${detail}`);
    return ready?.status === 'True';
  } catch (err) {
    progress.fail(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  }
}

export async function runReconcile(session: Session, options: ReconcileOptions, c: Colors): Promise<boolean> {
  if (!RECONCILABLE.includes(options.kind)) throw new UsageError(`${KINDS[options.kind].plural} are not reconciled: use one of hr, hrepo, gitrepo, ks`);
  if ((options.force || options.reset) && options.kind !== 'HelmRelease') throw new UsageError('--force and --reset apply to HelmReleases only');
  if (options.withSource) {
    const obj = await session.client.request<Reconciled>('GET', objectPath(capstanResource(options.kind), session.namespace, options.name))
      .catch((err: unknown) => { throw err instanceof ApiError && err.statusCode === 404 ? notFound(options.kind, session.namespace, options.name) : err; });
    const ref = obj.spec?.chart?.spec?.sourceRef ?? obj.spec?.sourceRef;
    if (ref && (ref.kind === 'HelmRepository' || ref.kind === 'GitRepository')) {
      const ok = await reconcileAndReport(session, ref.kind, ref.name, ref.namespace ?? session.namespace, { timeoutMs: options.timeoutMs }, c);
      if (!ok) return false;
    }
  }
  const extra = [...(options.force ? [ANNOTATIONS.forceAt] : []), ...(options.reset ? [ANNOTATIONS.resetAt] : [])];
  return reconcileAndReport(session, options.kind, options.name, session.namespace, { timeoutMs: options.timeoutMs, extra }, c);
}
