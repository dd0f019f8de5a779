// The facts of an event about a HelmRelease's release that no helm command produced (an unlock,
// an RBAC refusal): the same keys as the release actions' events (events.ts), for alerts.
import type { ReleaseFacts } from '../events.ts';
import type { ReleaseActionInput } from './release-action.ts';

export function releaseFacts(input: ReleaseActionInput): ReleaseFacts {
  const from = input.hr.status?.history?.[0];
  return {
    release: `${input.namespace}/${input.releaseName}`, chart: input.desired.chartName,
    toVersion: input.desired.chartVersion, valuesDigest: input.desired.valuesDigest, ...(from ? { from } : {}),
  };
}
