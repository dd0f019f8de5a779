// One object's dry run: the live object (GET) and a server-side apply dry run of the source's
// object (validated, defaulted and admitted exactly as the apply would be, nothing stored). The
// two say what applying it would do: create it, change it, nothing, or (a field that cannot
// change) recreate it.
import { setTimeout as sleep } from 'node:timers/promises';
import { serverSideApply } from '../../kube/apply.ts';
import type { KubeClient } from '../../kube/client.ts';
import type { KubeObject } from '../../kube/resource.ts';
import { droppedFields } from './dropped-fields.ts';
import { apiFailure, ApplyError, apiWords } from './errors.ts';
import { isImmutableFieldError } from './immutable.ts';
import { inSync } from './in-sync.ts';
import type { Target } from './target.ts';

/** The field manager of every apply, the same as HelmRelease's CRD step. */
export const FIELD_MANAGER = 'capstan';

export type Action = 'create' | 'configure' | 'unchanged' | 'recreate';

export interface Planned extends Target {
  action: Action;
}

export interface DryRunContext {
  client: KubeClient;
  /** Recreate objects whose immutable fields changed instead of failing. */
  force: boolean;
  signal?: AbortSignal;
}

// The live object read and the one the dry run started from must be the same version for the
// comparison to mean anything: a controller writing in between (the deployment controller adds
// its revision annotation just after a create) would make an in-sync object look changed.
const ATTEMPTS = 3;
const SCHEMA_POLL_MS = 200;

/**
 * `newSchemaBy`: the object is a custom resource whose CRD was just written. Until that time, a
 * dry run that drops fields of the object is taken for the old schema still in force and repeated;
 * after it, the last one counts (the new schema does not know those fields either).
 */
export async function dryRun(target: Target, ctx: DryRunContext, newSchemaBy?: number): Promise<Planned> {
  for (let attempt = 1; ; attempt++) {
    const live = await read(target, ctx);
    const result = await dryRunByNewSchema(target, ctx, live !== undefined, newSchemaBy);
    if (result === 'recreate') return { ...target, action: 'recreate' };
    if (live === undefined) return { ...target, action: 'create' };
    if (result.metadata.resourceVersion === live.metadata.resourceVersion) return { ...target, action: inSync(result, live) ? 'unchanged' : 'configure' };
    // Still moving after a few reads: applying it is never wrong.
    if (attempt === ATTEMPTS) return { ...target, action: 'configure' };
  }
}

async function read(target: Target, ctx: DryRunContext): Promise<KubeObject | undefined> {
  try {
    return await ctx.client.getIfExists<KubeObject>(target.path, ctx.signal ? { signal: ctx.signal } : {});
  } catch (err) {
    throw apiFailure(err, target.id, 'reading', 'ApplyFailed');
  }
}

async function dryRunByNewSchema(target: Target, ctx: DryRunContext, exists: boolean, newSchemaBy: number | undefined): Promise<KubeObject | 'recreate'> {
  for (;;) {
    const result = await dryRunApply(target, ctx, exists);
    if (result === 'recreate' || newSchemaBy === undefined || Date.now() >= newSchemaBy || droppedFields(target.object, result).length === 0) return result;
    await sleep(SCHEMA_POLL_MS, undefined, ctx.signal ? { signal: ctx.signal } : undefined);
  }
}

/** What the object would become, or 'recreate' when it cannot change in place and `force` allows recreating it. */
async function dryRunApply(target: Target, ctx: DryRunContext, exists: boolean): Promise<KubeObject | 'recreate'> {
  try {
    // force: the source is the truth, as with Flux; fields another manager set are taken over.
    return await serverSideApply(ctx.client, target.resource, target.object, { fieldManager: FIELD_MANAGER, force: true, dryRun: true, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  } catch (err) {
    if (exists && isImmutableFieldError(err)) {
      if (ctx.force) return 'recreate';
      throw new ApplyError('ImmutableFieldChanged', target.id,
        `${target.id}: ${apiWords(err)}; the object must be recreated to change it: set spec.force: true to let capstan delete and recreate it, or delete it yourself`, { cause: err });
    }
    throw apiFailure(err, target.id, 'dry-run of', 'ValidationFailed');
  }
}
