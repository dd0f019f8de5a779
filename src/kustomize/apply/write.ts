// Sends one planned object: a server-side apply (field manager capstan, conflicts forced), or for
// a recreate, a delete, a wait until the object is gone (finalizers may hold it), then the apply.
import { setTimeout as sleep } from 'node:timers/promises';
import { serverSideApply } from '../../kube/apply.ts';
import type { KubeClient } from '../../kube/client.ts';
import { isApiError } from '../../kube/errors.ts';
import { FIELD_MANAGER, type Planned } from './dry-run.ts';
import { apiFailure, ApplyError, apiWords } from './errors.ts';
import { isImmutableFieldError } from './immutable.ts';

export interface WriteContext {
  client: KubeClient;
  timeoutMs: number;
  signal?: AbortSignal;
}

const GONE_POLL_MS = 200;

export async function write(planned: Planned, ctx: WriteContext): Promise<void> {
  if (planned.action === 'unchanged') return;
  if (planned.action === 'recreate') await deleteAndWait(planned, ctx);
  try {
    await serverSideApply(ctx.client, planned.resource, planned.object, { fieldManager: FIELD_MANAGER, force: true, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  } catch (err) {
    // Changed by someone else between the dry run and now.
    if (isImmutableFieldError(err)) throw new ApplyError('ImmutableFieldChanged', planned.id, `${planned.id}: ${apiWords(err)}`, { cause: err });
    throw apiFailure(err, planned.id, 'apply of', 'ApplyFailed');
  }
}

/** Deletes the object with its dependents (a Job's pods) in the background and waits until it is gone. */
export async function deleteObject(client: KubeClient, path: string, id: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await client.request('DELETE', path, { query: { propagationPolicy: 'Background' }, ...(signal ? { signal } : {}) });
    return true;
  } catch (err) {
    if (isApiError(err, 'NotFound')) return false;
    throw apiFailure(err, id, 'deletion of', 'ApplyFailed');
  }
}

async function deleteAndWait(planned: Planned, ctx: WriteContext): Promise<void> {
  await deleteObject(ctx.client, planned.path, planned.id, ctx.signal);
  const deadline = Date.now() + ctx.timeoutMs;
  for (;;) {
    try {
      await ctx.client.request('GET', planned.path, ctx.signal ? { signal: ctx.signal } : {});
    } catch (err) {
      if (isApiError(err, 'NotFound')) return;
      throw apiFailure(err, planned.id, 'reading', 'ApplyFailed');
    }
    if (Date.now() > deadline) {
      throw new ApplyError('ApplyFailed', planned.id, `${planned.id} was deleted to be recreated but is still there after ${String(Math.round(ctx.timeoutMs / 1000))} s; look at its finalizers (kubectl get -o yaml)`);
    }
    await sleep(GONE_POLL_MS, undefined, ctx.signal ? { signal: ctx.signal } : undefined);
  }
}
