// Releases left locked (pending-install, pending-upgrade, pending-rollback, uninstalling) by a
// helm that died: capstan leaves a fresh lock to its writer for the grace, then marks the
// revision failed (a rollback's is removed), says so in a Warning event, and brings the release
// to the desired state.
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { describe, it } from 'node:test';
import { fixtureChart } from '../../support/helm.ts';
import { condition, fixtureChartSpec, isReady, useHelmReleaseSuite, type HelmReleaseSuite } from '../../support/helmrelease.ts';
import { useControllers } from '../../support/in-process-controller.ts';
import { kubectl, kubectlJson } from '../../support/kubectl.ts';
import { leaveLocked } from '../../support/locked-release.ts';
import { useNamespace } from '../../support/namespace.ts';
import { HELM_MAJORS, KUBECONFIG, type HelmMajor } from '../../support/paths.ts';
import { waitFor } from '../../support/wait.ts';

const GRACE_MS = 8000;
const app = (version = '1.0.0') => ({ interval: '10m', ...fixtureChartSpec('app', version), values: { config: { greeting: 'hi' } } });

/** Runs a helm command by hand and kills it (-9) once it has locked the release. */
async function killMidway(major: HelmMajor, suite: HelmReleaseSuite, release: string, args: string[], status: string): Promise<void> {
  const child = execa(major.binary, args, { env: { KUBECONFIG, HOME: process.env.HOME ?? '/tmp' }, reject: false });
  try {
    await waitFor(`helm to leave ${release} ${status}`, async () =>
      ((await suite.history(release).catch(() => [])).at(-1)?.status === status ? true : undefined), { timeoutMs: 60_000, intervalMs: 100 });
  } finally {
    child.kill('SIGKILL');
    await child;
  }
}

describe('locked releases', { concurrency: true }, () => {
  for (const major of HELM_MAJORS) {
    describe(`with ${major.name}`, { concurrency: false }, () => {
      const namespace = useNamespace(`hrlock${major.name.slice(-1)}`);
      const running = useControllers(namespace, { helm: major, lockGraceMs: GRACE_MS });
      const suite = useHelmReleaseSuite(namespace, running, major);
      const { apply, waitHr } = suite;

      const recovered = async (name: string, status: string, revision: number) => {
        const event = await suite.waitEvent(name, 'Warning', 'ReleaseUnlocked');
        assert.match(event.note, new RegExp(`^release ${namespace.name}/${name} was ${status} at revision ${revision} \\(left by an interrupted helm \\w+\\): marked failed, `));
        const hr = await waitHr(name, 'Ready after the unlock', (h) => isReady(h) && (h.status?.history?.[0]?.version ?? 0) > revision);
        assert.equal(hr.status?.history?.[0]?.chartVersion, '1.0.0');
        const history = await suite.history(name);
        const unlocked = history.find((h) => h.revision === revision);
        // helm supersedes the failed revision once a newer one is deployed.
        assert.ok(unlocked && ['failed', 'superseded'].includes(unlocked.status), `revision ${revision} is ${String(unlocked?.status)}`);
        assert.match(unlocked.description, new RegExp(`^capstan: marked failed, found ${status}`));
        assert.equal(history.at(-1)?.status, 'deployed');
        return { event, hr };
      };

      it('leaves a running helm upgrade alone, and recovers the release once that helm was killed (pending-upgrade)', async () => {
        await apply('web', app());
        await waitHr('web', 'Ready', isReady);
        await killMidway(major, suite, 'web', ['upgrade', 'web', fixtureChart('never-ready', '2.0.0'), '-n', namespace.name, '--wait', '--timeout', '5m'], 'pending-upgrade');
        // Within the grace the lock belongs to whoever runs helm: capstan only says so.
        const waiting = await waitHr('web', 'ReleaseLocked', (h) => condition(h, 'Ready')?.reason === 'ReleaseLocked', GRACE_MS);
        assert.match(condition(waiting, 'Ready')?.message ?? '', /is pending-upgrade at revision 2: a helm upgrade is running or was interrupted/);
        const { event } = await recovered('web', 'pending-upgrade', 2);
        const facts = event.metadata.annotations ?? {};
        assert.equal(facts['event.capstan.dev/lockedStatus'], 'pending-upgrade');
        assert.equal(facts['event.capstan.dev/lockedRevision'], '2');
        assert.equal(facts['event.capstan.dev/fromRevision'], '1');
        assert.equal(facts['event.capstan.dev/toVersion'], '1.0.0');
        const cm = await kubectlJson<{ data: Record<string, string> }>(['get', 'configmap', 'web-app-config', '-n', namespace.name]);
        assert.equal(cm.data.chartVersion, '1.0.0', 'the desired chart serves again');
      });

      it('recovers a release whose first install was killed (pending-install)', async () => {
        await killMidway(major, suite, 'first', ['install', 'first', fixtureChart('never-ready', '2.0.0'), '-n', namespace.name, '--wait', '--timeout', '5m'], 'pending-install');
        await apply('first', app());
        await recovered('first', 'pending-install', 1);
      });

      it('discards a rollback cut short (pending-rollback), so that the next helm starts from the revision before it', async () => {
        await apply('back', app());
        await waitHr('back', 'Ready', isReady);
        const locked = await leaveLocked(namespace.name, 'back', 1, 'pending-rollback');
        const event = await suite.waitEvent('back', 'Warning', 'ReleaseUnlocked');
        assert.match(event.note, new RegExp(`^release ${namespace.name}/back was pending-rollback at revision ${locked} \\(left by an interrupted helm rollback\\): removed that unfinished revision, nothing else to do$`));
        await waitHr('back', 'Ready at revision 1', (h) => isReady(h) && h.status?.history?.[0]?.version === 1);
        assert.deepEqual((await suite.history('back')).map((h) => [h.revision, h.status]), [[1, 'deployed']]);
      });

      it('recovers a release left uninstalling while its HelmRelease stays', async () => {
        await apply('kept', app());
        await waitHr('kept', 'Ready', isReady);
        const locked = await leaveLocked(namespace.name, 'kept', 1, 'uninstalling');
        await recovered('kept', 'uninstalling', locked);
      });

      it('finishes the uninstall of a release left uninstalling when its HelmRelease is deleted', async () => {
        await apply('gone', app());
        await waitHr('gone', 'Ready', isReady);
        await leaveLocked(namespace.name, 'gone', 1, 'uninstalling');
        await kubectl(['delete', 'hr', 'gone', '-n', namespace.name, '--timeout=90s']);
        const left = await kubectl(['get', 'secret', '-n', namespace.name, '-l', 'owner=helm,name=gone', '-o', 'name']);
        assert.equal(left.stdout.trim(), '', 'no release storage left');
        assert.equal((await kubectl(['get', 'deployment', 'gone-app', '-n', namespace.name], { check: false })).exitCode, 1, 'the release objects are gone');
      });
    });
  }
});
