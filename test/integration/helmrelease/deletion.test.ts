// Deleting a HelmRelease never hangs silently: an uninstall that cannot run keeps the HelmRelease
// with UninstallFailed saying why and the ways out, retried with backoff; a release whose
// namespace is gone lets the HelmRelease go at once. (A suspended HelmRelease is deleted without
// uninstalling: lifecycle.test.ts.)
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { HelmRelease } from '../../../src/api/objects.ts';
import { condition, fixtureChartSpec, isReady, useHelmReleaseSuite } from '../../support/helmrelease.ts';
import { useControllers } from '../../support/in-process-controller.ts';
import { kubectl } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { HELM_MAJORS } from '../../support/paths.ts';
import { namespaceAdmin, type Tenant } from '../../support/tenant.ts';
import { keepsHolding, waitFor } from '../../support/wait.ts';

const app = (changes: Record<string, unknown> = {}) => ({ interval: '10m', ...fixtureChartSpec('app', '1.0.0'), ...changes });
const message = (hr: HelmRelease) => condition(hr, 'Ready')?.message ?? '';

describe('HelmRelease deletion', { concurrency: true }, () => {
  for (const major of HELM_MAJORS) {
    describe(`with ${major.name}`, { concurrency: false }, () => {
      const namespace = useNamespace(`hrdel${major.name.slice(-1)}`);
      const running = useControllers(namespace, { helm: major });
      const suite = useHelmReleaseSuite(namespace, running, major);
      const { apply, waitHr } = suite;
      let tenant: Tenant;
      before(async () => { tenant = await namespaceAdmin(namespace.name); });

      const uninstalls = async () => (await running.metrics.helmActions.get()).values
        .filter((v) => v.metricName?.endsWith('_count') && v.labels.action === 'uninstall').reduce((n, v) => n + v.value, 0);
      const gone = (name: string) => waitFor(`HelmRelease ${name} to be gone`, async () =>
        ((await kubectl(['get', 'hr', name, '-n', namespace.name], { check: false })).exitCode !== 0 ? true : undefined), { timeoutMs: 60_000 });
      const releases = async () => {
        const helm = await suite.helm();
        return (JSON.parse((await helm(['list', '-n', namespace.name, '-o', 'json'])).stdout) as { name: string; status: string }[]).map((r) => `${r.name}:${r.status}`);
      };
      /** Installs `name` as the tenant, takes the tenant's rights away (all of them unless `keep` gives some back) and deletes the HelmRelease. */
      const deleteWithoutRights = async (name: string, keep?: () => Promise<void>) => {
        await apply(name, app({ serviceAccountName: tenant.serviceAccount }));
        await waitHr(name, 'Ready', isReady);
        await tenant.revoke();
        await keep?.();
        await kubectl(['delete', 'hr', name, '-n', namespace.name, '--wait=false']);
        return waitHr(name, 'UninstallFailed', (hr) => condition(hr, 'Ready')?.reason === 'UninstallFailed');
      };

      it('keeps a HelmRelease whose uninstall is forbidden, saying why and what to do, and retries with backoff', async () => {
        const hr = await deleteWithoutRights('guarded');
        assert.equal(condition(hr, 'Ready')?.status, 'False');
        assert.match(message(hr), new RegExp(`^uninstall of ${namespace.name}/guarded failed, so the HelmRelease is kept: .*forbidden.*grant system:serviceaccount:${namespace.name}:tenant`));
        assert.match(message(hr), /Either fix that \(capstan retries in 10 s, or at once on kubectl annotate hr guarded -n \S+ --overwrite reconcile\.capstan\.dev\/requestedAt="\$\(date \+%s\)"\)/);
        assert.match(message(hr), /or abandon the release \(it stays installed\) by setting spec\.suspend: true or by removing the finalizer finalizers\.capstan\.dev: kubectl patch hr guarded -n \S+ --type=json -p '\[\{"op":"remove","path":"\/metadata\/finalizers"\}\]'$/);
        const event = await suite.waitEvent('guarded', 'Warning', 'UninstallFailed');
        assert.match(event.note, /so the HelmRelease is kept/);
        assert.deepEqual(await releases(), ['guarded:deployed'], 'the release is still there');

        // Not a hot loop: the next attempt comes 10 s after the first failure, and the one after that
        // 20 s later. The quiet window ends 8 s after that failure (when Ready turned False), however
        // long the checks above took on a loaded machine: from wherever it starts, it ends before the retry.
        const failedAt = Date.parse(condition(hr, 'Ready')?.lastTransitionTime ?? '');
        assert.ok(!Number.isNaN(failedAt), 'Ready says when the first attempt failed');
        const attempts = await uninstalls();
        await keepsHolding('no other uninstall attempt', failedAt + 8000 - Date.now(), async () => (await uninstalls()) === attempts);
        const again = await waitHr('guarded', 'a second failed attempt', (h) => h.status?.failures === 2, 30_000);
        assert.match(message(again), /capstan retries in 20 s/);
        assert.equal(await uninstalls(), attempts + 1);

        // Fixed: the rights are back, and a reconcile request retries now instead of in 20 s.
        await tenant.grant();
        await suite.annotate('guarded', 'reconcile.capstan.dev/requestedAt', new Date().toISOString());
        await gone('guarded');
        assert.deepEqual(await releases(), [], 'uninstalled');
      });

      it('waits for the retry even though the failed uninstall changed the release\'s Secret', async () => {
        // The tenant may write helm's storage but not delete Deployments: helm marks the release
        // uninstalling, then fails. That Secret change must not bring the next attempt forward.
        const partial = async () => {
          await kubectl(['create', 'role', 'no-deployment-delete', '-n', namespace.name, '--verb=*', '--resource=secrets,configmaps,services']);
          await kubectl(['create', 'role', 'deployment-read', '-n', namespace.name, '--verb=get,list,watch', '--resource=deployments.apps,pods']);
          for (const role of ['no-deployment-delete', 'deployment-read']) {
            await kubectl(['create', 'rolebinding', role, '-n', namespace.name, `--role=${role}`, `--serviceaccount=${namespace.name}:${tenant.serviceAccount}`]);
          }
          await tenant.waitAllowed('update', 'secrets', true);
          await tenant.waitAllowed('get', 'deployments.apps', true);
        };
        const hr = await deleteWithoutRights('halfway', partial);
        assert.match(message(hr), /failed to delete release: halfway/);
        const helm = await suite.helm();
        const stored = JSON.parse((await helm(['list', '-n', namespace.name, '--uninstalling', '-o', 'json'])).stdout) as { name: string }[];
        assert.deepEqual(stored.map((r) => r.name), ['halfway'], 'helm marked the release uninstalling before it failed');

        const failedAt = Date.parse(condition(hr, 'Ready')?.lastTransitionTime ?? '');
        const attempts = await uninstalls();
        await keepsHolding('no other uninstall attempt before the retry is due', failedAt + 8000 - Date.now(), async () => (await uninstalls()) === attempts);

        await kubectl(['delete', 'rolebinding', 'no-deployment-delete', 'deployment-read', '-n', namespace.name]);
        await tenant.grant();
        // The retry due 10 s after the failure may already have uninstalled it: no request needed then.
        await kubectl(['annotate', '--overwrite', 'hr', 'halfway', '-n', namespace.name, `reconcile.capstan.dev/requestedAt=${new Date().toISOString()}`], { check: false });
        await gone('halfway');
        assert.deepEqual(await releases(), [], 'uninstalled');
      });

      it('lets a HelmRelease go when its finalizer is removed, leaving the release installed', async () => {
        const hr = await deleteWithoutRights('abandoned');
        const patch = /kubectl patch hr abandoned -n (\S+) --type=json -p '(.*)'$/.exec(message(hr));
        assert.ok(patch, message(hr));
        await kubectl(['patch', 'hr', 'abandoned', '-n', patch[1] ?? '', '--type=json', '-p', patch[2] ?? '']);
        await gone('abandoned');
        assert.deepEqual(await releases(), ['abandoned:deployed']);
        await tenant.grant();
      });

      it('lets a HelmRelease go at once when its release\'s namespace is gone', async () => {
        const target = `${namespace.name}-gone`;
        // Not createNamespace: capstan would rightly install the release again into a new namespace.
        await kubectl(['create', 'namespace', target]);
        await apply('orphan', app({ targetNamespace: target }));
        await waitHr('orphan', 'Ready', isReady);
        await kubectl(['delete', 'namespace', target, '--wait=true', '--timeout=120s']);
        await kubectl(['delete', 'hr', 'orphan', '-n', namespace.name, '--timeout=60s']);
        const uninstallEvents = (await suite.events('orphan')).filter((e) => e.reason.startsWith('Uninstall'));
        assert.deepEqual(uninstallEvents, [], 'nothing left to uninstall, so no uninstall was attempted');
      });
    });
  }
});
