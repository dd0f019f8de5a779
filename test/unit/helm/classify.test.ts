// Every failure capstan tells apart, as helm 3 and helm 4 really word it, gets its reason.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { classifyFailure, helmSays, HelmTestFailedError, stderrTail, type HelmAction, type HelmReason } from '../../../src/helm/errors.ts';

const STDERR = join(import.meta.dirname, 'stderr');

// file (without .txt) → the command that printed it and the reason it must get.
const CASES: [string, HelmAction, HelmReason][] = [
  ['upgrade-timeout', 'upgrade', 'HelmTimeout'],
  ['upgrade-timeout-legacy', 'upgrade', 'HelmTimeout'],
  ['install-timeout', 'install', 'HelmTimeout'],
  ['rollback-timeout', 'rollback', 'HelmTimeout'],
  ['upgrade-locked', 'upgrade', 'ReleaseLocked'],
  ['uninstall-missing', 'uninstall', 'ReleaseNotFound'],
  ['status-missing', 'status', 'ReleaseNotFound'],
  ['history-missing', 'history', 'ReleaseNotFound'],
  ['getvalues-missing', 'get-values', 'ReleaseNotFound'],
  ['getmanifest-missing', 'get-manifest', 'ReleaseNotFound'],
  ['rollback-missing', 'rollback', 'ReleaseNotFound'],
  ['rollback-missing-revision', 'rollback', 'ReleaseNotFound'],
  ['upgrade-missing', 'upgrade', 'ReleaseNotFound'],
  ['test-missing', 'test', 'ReleaseNotFound'],
  ['install-in-use', 'install', 'ReleaseExists'],
  ['install-missing-namespace', 'install', 'NamespaceNotFound'],
  ['install-fail', 'install', 'ChartRenderFailed'],
  ['template-fail', 'template', 'ChartRenderFailed'],
  ['install-parse', 'install', 'ChartRenderFailed'],
  ['template-parse', 'template', 'ChartRenderFailed'],
  ['install-badyaml', 'install', 'ChartRenderFailed'],
  ['template-badyaml', 'template', 'ChartRenderFailed'],
  ['install-unknown-kind', 'install', 'ChartRenderFailed'],
  ['install-schema', 'install', 'ValuesSchemaInvalid'],
  ['template-schema', 'template', 'ValuesSchemaInvalid'],
  ['install-forbidden', 'install', 'HelmForbidden'],
  ['status-forbidden', 'status', 'HelmForbidden'],
  ['list-forbidden', 'list', 'HelmForbidden'],
  ['uninstall-forbidden', 'uninstall', 'HelmForbidden'],
  ['test-fail', 'test', 'TestFailed'],
  // The API server refused the object at apply time: not a render error, helm's words are kept.
  ['install-invalid-object', 'install', 'HelmFailed'],
  ['install-missing-chart', 'install', 'HelmFailed'],
  ['list-unreachable', 'list', 'HelmFailed'],
  ['upgrade-force-server-side', 'upgrade', 'HelmFailed'],
  // Without our abort, a helm that got SIGTERM from someone else is just a failure.
  ['upgrade-cancelled', 'upgrade', 'HelmFailed'],
];

for (const major of ['helm3', 'helm4']) {
  describe(`classifying ${major}'s errors`, () => {
    for (const [file, action, reason] of CASES) {
      const path = join(STDERR, major, `${file}.txt`);
      if (!existsSync(path)) continue;
      it(`${file} is ${reason}`, () => {
        const stderr = readFileSync(path, 'utf8');
        const error = classifyFailure({ action, release: 'ns/rel', exitCode: 1, stderr });
        assert.equal(error.reason, reason, error.message);
        assert.ok(error.stderrTail.length > 0);
        assert.ok(error.message.startsWith(`helm ${action} of release ns/rel`), error.message);
      });
    }
  });
}

describe('classifying', () => {
  const read = (major: string, file: string) => readFileSync(join(STDERR, major, `${file}.txt`), 'utf8');

  it('calls a failure cancelled when the caller aborted, whatever helm printed', () => {
    const error = classifyFailure({ action: 'upgrade', exitCode: 1, stderr: read('helm3', 'upgrade-cancelled'), cancelled: true });
    assert.equal(error.reason, 'HelmCancelled');
  });

  it('calls a helm stopped at the wrapper deadline a timeout', () => {
    const error = classifyFailure({ action: 'status', signal: 'SIGTERM', stderr: '', deadlineExceeded: true });
    assert.equal(error.reason, 'HelmTimeout');
  });

  it('calls a binary that cannot start unsupported, saying which flag to fix', () => {
    const error = classifyFailure({ action: 'version', stderr: '', spawnError: 'spawn /nope ENOENT' });
    assert.equal(error.reason, 'HelmUnsupported');
    assert.match(error.message, /--helm-binary/);
  });

  it('quotes the API server in an RBAC error and names the impersonated identity', () => {
    const error = classifyFailure({ action: 'status', stderr: read('helm4', 'status-forbidden'), impersonating: 'system:serviceaccount:a:deployer' });
    assert.match(error.message, /secrets is forbidden: User "nobody" cannot list resource "secrets" in API group "" in the namespace "cap-helm4"/);
    assert.match(error.message, /grant system:serviceaccount:a:deployer these permissions/);
  });

  it('says which resource was not ready when helm 4 timed out waiting', () => {
    const error = classifyFailure({ action: 'upgrade', stderr: read('helm4', 'upgrade-timeout') });
    assert.match(error.message, /resource Deployment\/cap-helm4\/slow-never-ready not ready/);
    assert.match(error.message, /raise the timeout/);
  });

  it('keeps the test runs of a failed helm test', () => {
    const error = classifyFailure({ action: 'test', stderr: read('helm3', 'test-fail') }, [{ name: 'web-app-test', phase: 'Failed' }]);
    assert.ok(error instanceof HelmTestFailedError);
    assert.deepEqual(error.tests, [{ name: 'web-app-test', phase: 'Failed' }]);
  });

  // helm 3 replaces the test failure by its failure to fetch logs (kwok pods have none): one more
  // reason capstan does not pass --logs by default.
  it('loses the test failure when helm 3 cannot fetch the test logs', () => {
    assert.equal(classifyFailure({ action: 'test', stderr: read('helm3', 'test-fail-logs') }).reason, 'HelmFailed');
    assert.equal(classifyFailure({ action: 'test', stderr: read('helm4', 'test-fail-logs') }).reason, 'TestFailed');
  });
});

describe('helmSays', () => {
  it('keeps helm\'s error from its last Error: line, without the --debug hint or helm 4\'s log lines', () => {
    assert.equal(helmSays(readFileSync(join(STDERR, 'helm4', 'template-fail.txt'), 'utf8')),
      'execution error at (broken/templates/configmap.yaml:2:4): broken: explode is true, refusing to render');
    assert.equal(helmSays(readFileSync(join(STDERR, 'helm4', 'upgrade-timeout-legacy.txt'), 'utf8')), 'UPGRADE FAILED: context deadline exceeded');
  });

  it('falls back to the last lines when helm printed no Error: line', () => {
    assert.equal(helmSays('panic: oops\ngoroutine 1\n'), 'panic: oops\ngoroutine 1');
  });
});

describe('stderrTail', () => {
  it('keeps the last lines, bounded in size', () => {
    const stderr = Array.from({ length: 100 }, (_, i) => `line ${i} ${'x'.repeat(300)}`).join('\n');
    const tail = stderrTail(stderr);
    assert.ok(tail.length <= 2001);
    assert.ok(tail.endsWith(`line 99 ${'x'.repeat(300)}`));
  });
});
