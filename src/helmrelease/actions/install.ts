// Installs the release (DESIGN §1 install{}): wait unless disabled, CRD policy, history bound.
import { parseDuration } from '../../api/duration.ts';
import { install } from '../../helm/commands.ts';
import type { HelmReleaseDeps } from '../context.ts';
import { crdPolicy, helmSkipsCrds, prepareCrds } from './crds.ts';
import { helmScope, runReleaseAction, type ReleaseActionInput, type ReleaseActionOutcome } from './release-action.ts';

export function installRelease(deps: HelmReleaseDeps, input: ReleaseActionInput, replace: boolean): Promise<ReleaseActionOutcome> {
  const spec = input.hr.spec;
  const timeoutMs = parseDuration(spec.install?.timeout ?? spec.timeout ?? '5m');
  return runReleaseAction(deps, 'install', input, async (chart) => {
    await prepareCrds(deps, input, 'install', chart, timeoutMs);
    return install(deps.helm, {
      ...helmScope(input),
      chart,
      values: input.values,
      timeoutMs,
      disableWait: spec.install?.disableWait,
      disableHooks: spec.install?.disableHooks,
      createNamespace: spec.install?.createNamespace,
      skipCrds: helmSkipsCrds(crdPolicy(input.hr, 'install')),
      replace: replace || spec.install?.replace,
      description: `capstan: install ${input.desired.chartName}@${input.desired.chartVersion}`,
    });
  });
}
