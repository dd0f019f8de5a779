// The chart's CRDs under install.crds / upgrade.crds (Flux's semantics). helm creates the CRDs of
// crds/ on install only and never updates one (helm's documented CRD limitation), so capstan
// applies them itself, before helm runs, whenever the policy asks for more than that:
//   Skip           never touched;
//   Create         created when absent, never updated (helm does it on install, capstan on upgrade);
//   CreateReplace  created or updated by server-side apply (field manager `capstan`), on both.
// Calls go through the HelmRelease's impersonated identity, so RBAC decides here too.
import type { HelmRelease } from '../../api/objects.ts';
import type { KubeClient } from '../../kube/client.ts';
import { ApiError, isApiError } from '../../kube/errors.ts';
import { serverSideApply } from '../../kube/apply.ts';
import { CRD, CrdNotEstablishedError, waitEstablished } from '../../kube/crds.ts';
import { collectionPath } from '../../kube/resource.ts';
import { readChartCrds, type ChartCrd } from '../chart-crds.ts';
import type { HelmReleaseDeps } from '../context.ts';
import type { ReleaseActionInput } from './release-action.ts';

export type CrdPolicy = 'Skip' | 'Create' | 'CreateReplace';

/** What capstan itself does with the chart's CRDs before helm runs. */
export type CrdStep = 'none' | 'create' | 'apply';

export const FIELD_MANAGER = 'capstan';


/** The policy in force for an action; Flux's defaults: Create on install, Skip on upgrade. */
export function crdPolicy(hr: HelmRelease, action: 'install' | 'upgrade'): CrdPolicy {
  return action === 'install' ? hr.spec.install?.crds ?? 'Create' : hr.spec.upgrade?.crds ?? 'Skip';
}

/** capstan's own step (pure): on install, Create is left to helm itself. */
export function crdStep(action: 'install' | 'upgrade', policy: CrdPolicy): CrdStep {
  if (policy === 'CreateReplace') return 'apply';
  if (policy === 'Create' && action === 'upgrade') return 'create';
  return 'none';
}

/** helm install creates absent CRDs unless told not to; capstan tells it not to whenever the policy is not Create. */
export function helmSkipsCrds(policy: CrdPolicy): boolean {
  return policy !== 'Create';
}

/** A CRD that could not be created, updated, or did not become Established. */
export class CrdApplyError extends Error {
  override readonly name = 'CrdApplyError';
  readonly reason = 'CRDFailed';
}

/** Runs capstan's CRD step for an action on a fetched chart; returns the names of the CRDs it created or updated. */
export async function prepareCrds(deps: HelmReleaseDeps, input: ReleaseActionInput, action: 'install' | 'upgrade', chartPath: string, timeoutMs: number): Promise<string[]> {
  const policy = crdPolicy(input.hr, action);
  const step = crdStep(action, policy);
  if (step === 'none') return [];
  const crds = await readChartCrds(chartPath);
  if (crds.length === 0) return [];
  const client = input.impersonate ? deps.client.impersonating(input.impersonate) : deps.client;
  const fix = `grant ${input.impersonate ?? 'the controller'} create and patch on customresourcedefinitions, or set ${action}.crds: Skip`;
  const touched: string[] = [];
  for (const crd of crds) {
    try {
      if (await writeCrd(client, crd, step, input.signal)) touched.push(crd.metadata.name);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const verb = step === 'create' ? 'create' : 'apply';
      const hint = err.reason === 'Forbidden' || err.reason === 'Unauthorized' ? fix : 'fix the CRD in the chart';
      throw new CrdApplyError(`could not ${verb} CRD ${crd.metadata.name} (${action}.crds: ${policy}): ${err.message}; ${hint}`, { cause: err });
    }
  }
  for (const name of touched) {
    try {
      await waitEstablished(client, name, timeoutMs, input.signal);
    } catch (err) {
      if (err instanceof CrdNotEstablishedError) throw new CrdApplyError(`${err.message}; fix the CRD in the chart`, { cause: err });
      throw err;
    }
  }
  if (touched.length > 0) input.log.info({ crds: touched, policy }, `${step === 'create' ? 'created' : 'applied'} CRDs ${touched.join(', ')}`);
  return touched;
}

/** true when the CRD was written (a CRD that already exists is left alone by `create`). */
async function writeCrd(client: KubeClient, crd: ChartCrd, step: 'create' | 'apply', signal: AbortSignal): Promise<boolean> {
  if (step === 'create') {
    try {
      await client.request('POST', collectionPath(CRD), { body: crd, signal });
      return true;
    } catch (err) {
      if (isApiError(err, 'AlreadyExists') || isApiError(err, 'Conflict')) return false;
      throw err;
    }
  }
  // Server-side apply with force: capstan takes over the fields helm (or anyone) set at create time.
  await serverSideApply(client, CRD, crd, { fieldManager: FIELD_MANAGER, force: true, signal });
  return true;
}
