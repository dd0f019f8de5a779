// What an abort (controller shutdown) leaves behind, with the real helm 3 and helm 4. helm catches
// SIGTERM in install and upgrade and marks the release failed; rollback has no such handler (SIGTERM
// kills it and leaves pending-rollback), so the wrapper lets it finish within the grace period.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { before, describe, it } from 'node:test';
import type { Helm as CapstanHelm } from '../../../src/helm/cli.ts';
import * as helm from '../../../src/helm/commands.ts';
import { capstanHelm, fixtureChart, isolatedHelm, rejectsWithHelmReason, type Helm } from '../../support/helm.ts';
import { useNamespace } from '../../support/namespace.ts';
import { HELM_MAJORS } from '../../support/paths.ts';
import { waitFor } from '../../support/wait.ts';

interface Revision {
  revision: number;
  status: string;
  description: string;
}

for (const major of HELM_MAJORS) {
  describe(`aborting helm with ${major.name}`, () => {
    const ns = useNamespace(`helm-cancel-${major.name.replace(' ', '')}`);
    let cli: CapstanHelm;
    let raw: Helm;
    const at = (releaseName: string) => ({ namespace: ns.name, releaseName });
    // Read with the bare helm binary, independently of the wrapper under test.
    const newest = async (releaseName: string) => {
      const { stdout } = await raw(['history', releaseName, '-n', ns.name, '-o', 'json']);
      return (JSON.parse(stdout) as Revision[]).at(-1);
    };
    // The abort comes once helm holds the release, not after a fixed time: a helm that starts slowly
    // on a loaded machine would otherwise be stopped before it wrote anything.
    const locked = (releaseName: string, status: string) => waitFor(`helm to leave ${releaseName} ${status}`, async () =>
      ((await newest(releaseName))?.status === status ? true : undefined), { timeoutMs: 30_000, intervalMs: 100 });
    before(async () => {
      cli = await capstanHelm(major, { killGraceMs: 30_000 });
      raw = await isolatedHelm(major);
    });

    it('an aborted upgrade --wait stops at once and leaves the release failed, not pending-upgrade', async () => {
      await helm.install(cli, { ...at('up'), chart: fixtureChart('never-ready', '1.0.0'), values: {}, timeoutMs: 60_000 });
      const abort = new AbortController();
      const upgrade = helm.upgrade(cli, { ...at('up'), chart: fixtureChart('never-ready', '2.0.0'), values: {}, timeoutMs: 60_000, signal: abort.signal });
      await locked('up', 'pending-upgrade');
      const aborted = performance.now();
      abort.abort();
      const error = await rejectsWithHelmReason(upgrade, 'HelmCancelled');
      const seconds = (performance.now() - aborted) / 1000;
      assert.ok(seconds < 10, `helm exited ${seconds.toFixed(1)} s after the abort, well before its 60 s timeout`);
      assert.match(error.stderrTail, /context canceled/);
      const revision = await newest('up');
      assert.deepEqual([revision?.revision, revision?.status], [2, 'failed']);
      assert.match(revision?.description ?? '', /context canceled/);
    });

    it('an aborted install --wait leaves the release failed, not pending-install', async () => {
      const abort = new AbortController();
      const install = helm.install(cli, { ...at('in'), chart: fixtureChart('never-ready', '2.0.0'), values: {}, timeoutMs: 60_000, signal: abort.signal });
      await locked('in', 'pending-install');
      abort.abort();
      await rejectsWithHelmReason(install, 'HelmCancelled');
      assert.equal((await newest('in'))?.status, 'failed');
    });

    it('an aborted rollback --wait is left to finish on its own within the grace period, so it is never left pending-rollback', async () => {
      await helm.install(cli, { ...at('rb'), chart: fixtureChart('never-ready', '2.0.0'), values: {}, disableWait: true });
      await helm.upgrade(cli, { ...at('rb'), chart: fixtureChart('never-ready', '1.0.0'), values: {}, timeoutMs: 60_000 });
      const abort = new AbortController();
      const rollback = helm.rollback(cli, { ...at('rb'), revision: 1, timeoutMs: 4_000, signal: abort.signal });
      await sleep(1_000);
      abort.abort();
      // helm's own 4 s timeout ends the rollback, not the abort.
      await rejectsWithHelmReason(rollback, 'HelmTimeout');
      const revision = await newest('rb');
      assert.deepEqual([revision?.revision, revision?.status], [3, 'failed']);
    });

    // The evidence for draining: helm has no SIGTERM handler in rollback, so a rollback still running
    // when the grace period ends is killed and the release stays pending-rollback until recovered.
    it('a rollback still running when the grace period ends is killed and left pending-rollback', async () => {
      const impatient = await capstanHelm(major, { killGraceMs: 1_000 });
      await helm.install(cli, { ...at('killed'), chart: fixtureChart('never-ready', '2.0.0'), values: {}, disableWait: true });
      await helm.upgrade(cli, { ...at('killed'), chart: fixtureChart('never-ready', '1.0.0'), values: {}, timeoutMs: 60_000 });
      const abort = new AbortController();
      const rollback = helm.rollback(impatient, { ...at('killed'), revision: 1, timeoutMs: 60_000, signal: abort.signal });
      await locked('killed', 'pending-rollback');
      abort.abort();
      const error = await rejectsWithHelmReason(rollback, 'HelmCancelled');
      assert.match(error.message, /cancelled/);
      assert.equal((await newest('killed'))?.status, 'pending-rollback');
    });
  });
}
