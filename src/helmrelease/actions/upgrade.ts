// Upgrades the release (DESIGN §1 upgrade{}), declaratively: --reset-values unless preserveValues.
import { parseDuration } from '../../api/duration.ts';
import { upgrade } from '../../helm/commands.ts';
import type { HelmReleaseDeps } from '../context.ts';
import type { UpgradeCause } from '../plan.ts';
import { prepareCrds } from './crds.ts';
import { helmScope, runReleaseAction, type ReleaseActionInput, type ReleaseActionOutcome } from './release-action.ts';

export function upgradeRelease(deps: HelmReleaseDeps, input: ReleaseActionInput, cause: UpgradeCause): Promise<ReleaseActionOutcome> {
  const spec = input.hr.spec;
  const timeoutMs = parseDuration(spec.upgrade?.timeout ?? spec.timeout ?? '5m');
  return runReleaseAction(deps, 'upgrade', input, async (chart) => {
    // helm upgrade never touches CRDs: what upgrade.crds asks for is done before it runs.
    await prepareCrds(deps, input, 'upgrade', chart, timeoutMs);
    return upgrade(deps.helm, {
      ...helmScope(input),
      chart,
      values: input.values,
      timeoutMs,
      disableWait: spec.upgrade?.disableWait,
      disableHooks: spec.upgrade?.disableHooks,
      resetValues: spec.upgrade?.preserveValues !== true,
      reuseValues: spec.upgrade?.preserveValues === true,
      maxHistory: spec.maxHistory ?? 5,
      force: spec.upgrade?.force,
      cleanupOnFail: spec.upgrade?.cleanupOnFail,
      description: `capstan: upgrade to ${input.desired.chartName}@${input.desired.chartVersion} (${cause})`,
    });
  });
}
