// Runs the release's helm tests (DESIGN §1 test{}) against one revision and records each test
// hook's result in that revision's history entry and in TestSuccess. A failing test fails the
// install or upgrade it follows (counted, remediated) unless test.ignoreFailures.
import { parseDuration } from '../../api/duration.ts';
import type { TestHookStatus } from '../../api/helmrelease.ts';
import type { HelmRelease } from '../../api/objects.ts';
import { test } from '../../helm/commands.ts';
import { HelmError, HelmTestFailedError } from '../../helm/errors.ts';
import type { HelmReleaseDeps } from '../context.ts';
import { recordReleaseEvent } from '../events.ts';
import type { ReleaseAction } from '../plan.ts';
import { progressing, tested, type TestVerdict } from '../status.ts';
import { helmScope, write, type ReleaseActionInput } from './release-action.ts';

export interface TestOutcome {
  verdict: TestVerdict;
  current: HelmRelease;
  hooks: TestHookStatus[];
}

/** `current`: the HelmRelease as the server has it; `revision`: the revision under test. */
export async function testRelease(deps: HelmReleaseDeps, input: ReleaseActionInput, current: HelmRelease, revision: number, after: ReleaseAction): Promise<TestOutcome> {
  const spec = input.hr.spec;
  const ref = `${input.namespace}/${input.releaseName}`;
  const snapshot = current.status?.history?.find((s) => s.version === revision);
  const target = `${snapshot?.chartName ?? input.desired.chartName}@${snapshot?.chartVersion ?? input.desired.chartVersion}`;
  let written = await write(deps, current, progressing(current.status, 'TestsRunning', `running the tests of ${ref} revision ${revision} (${target})`, input.ctx));

  let hooks: TestHookStatus[];
  let failure: string | undefined;
  try {
    hooks = await test(deps.helm, {
      ...helmScope(input),
      timeoutMs: parseDuration(spec.test?.timeout ?? spec.timeout ?? '5m'),
      filters: spec.test?.filters ?? [],
    });
  } catch (err) {
    // Cancelled (shutdown): no result recorded, so the next leader runs the tests again.
    if (input.signal.aborted || !(err instanceof HelmError)) throw err;
    failure = err.message;
    // helm test stops at the first failing hook (or its timeout) and may print no result for it.
    const ran = err instanceof HelmTestFailedError ? err.tests : [];
    hooks = ran.some((t) => t.phase !== 'Succeeded') ? ran : [...ran, { name: 'helm test', phase: 'Failed' }];
  }

  const verdict: TestVerdict = failure === undefined ? 'passed' : spec.test?.ignoreFailures === true ? 'ignored' : 'failed';
  const results = hooks.length === 0 ? 'no test ran (the chart has none, or test.filters left none)' : hooks.map((h) => `${h.name} ${h.phase}`).join(', ');
  const message = failure === undefined
    ? `tests of ${ref} revision ${revision} (${target}) passed: ${results}`
    : `tests of ${ref} revision ${revision} (${target}) failed${verdict === 'ignored' ? ' (ignored: test.ignoreFailures)' : ''}: ${failure}`;
  input.log.info({ release: ref, revision, verdict }, message);
  written = await write(deps, written, tested(written.status, revision, hooks, verdict, after, message, input.ctx));
  await recordReleaseEvent(deps, input.hr, {
    type: failure === undefined ? 'Normal' : 'Warning', reason: failure === undefined ? 'TestSucceeded' : 'TestFailed', action: 'Test', note: message,
    facts: {
      release: ref, chart: snapshot?.chartName ?? input.desired.chartName, toVersion: snapshot?.chartVersion ?? input.desired.chartVersion,
      toRevision: revision, valuesDigest: snapshot?.configDigest ?? input.desired.valuesDigest, tests: hooks,
    },
  });
  return { verdict, current: written, hooks };
}
