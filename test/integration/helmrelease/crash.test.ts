// The controller and its helm child killed (-9, the whole process group) at a random moment of an
// install, an upgrade or a rollback, then started again: every release must reach the desired
// state (or its correct remediation) with no human step. The moments come from a seeded generator
// (the seed is printed; CAPSTAN_CRASH_SEED replays a run); the recovery times are printed, not
// asserted (DESIGN §4: figures are not timed assertions).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import type { HelmRelease } from '../../../src/api/objects.ts';
import { capstanResource, collectionPath, CORE, objectPath } from '../../../src/kube/resource.ts';
import { countingClient } from '../../support/controller-client.ts';
import { startController, type ControllerProcess } from '../../support/controller-process.ts';
import { condition, fixtureChartSpec, isReady, useHelmReleaseSuite } from '../../support/helmrelease.ts';
import { useNamespace } from '../../support/namespace.ts';
import { HELM_MAJORS } from '../../support/paths.ts';
import { Random } from '../../support/seeded.ts';
import { waitFor } from '../../support/wait.ts';

const SEED = Number(process.env.CAPSTAN_CRASH_SEED ?? Date.now() % 1_000_000);
const RUNS_PER_MAJOR = 12;
const SCENARIOS = ['install', 'upgrade', 'rollback'] as const;
type Scenario = (typeof SCENARIOS)[number];
const RECOVERY_TIMEOUT_MS = 90_000;

interface Run {
  index: number;
  scenario: Scenario;
  /** How long after the action began (for a rollback: after helm locked the release) the kill comes. */
  killAfterMs: number;
}

interface Figure {
  major: string;
  run: Run;
  recoveryMs: number;
  /** The release status helm had stored when the process group died. */
  leftAt: string;
}

/** The same runs for a given seed: scenarios in turn, kill moments random. */
function plannedRuns(seed: number): Run[] {
  const random = new Random(seed);
  return Array.from({ length: RUNS_PER_MAJOR }, (_, index) => {
    const scenario = SCENARIOS[index % SCENARIOS.length] ?? 'install';
    return { index, scenario, killAfterMs: random.int(scenario === 'rollback' ? 800 : 3000) };
  });
}

const api = countingClient().client;
const HR = capstanResource('HelmRelease');

/** helm's newest stored revision of a release, from its storage Secrets' labels. */
async function newestRevision(namespace: string, release: string): Promise<{ version: number; status: string; chart?: string } | undefined> {
  const list = await api.request<{ items: { metadata: { labels?: Record<string, string> } }[] }>('GET', collectionPath(CORE.Secret, namespace), {
    query: { labelSelector: `owner=helm,name=${release}` },
  });
  const revisions = list.items.map((s) => ({ version: Number(s.metadata.labels?.version), status: s.metadata.labels?.status ?? '' }));
  return revisions.sort((a, b) => b.version - a.version)[0];
}

const figures: Figure[] = [];
console.log(`crash test seed ${SEED} (replay: CAPSTAN_CRASH_SEED=${SEED})`);

describe('crash recovery', { concurrency: true }, () => {
  after(() => {
    const longest = figures.reduce<Figure | undefined>((a, b) => (a && a.recoveryMs >= b.recoveryMs ? a : b), undefined);
    const count = (values: string[]) => [...new Set(values)].map((v) => `${v} ${values.filter((x) => x === v).length}`).join(', ');
    console.log(`crash test: ${figures.length} runs recovered with no human step (${count(figures.map((f) => f.run.scenario))}; ` +
      `release left ${count(figures.map((f) => f.leftAt))}); seed ${SEED}; longest recovery ` +
      (longest ? `${longest.recoveryMs} ms (${longest.major}, ${longest.run.scenario}, killed ${longest.run.killAfterMs} ms in, release ${longest.leftAt})` : 'n/a'));
  });

  HELM_MAJORS.forEach((major, m) => {
    describe(`with ${major.name}`, { concurrency: false }, () => {
      const namespace = useNamespace(`hrcrash${major.name.slice(-1)}`);
      const suite = useHelmReleaseSuite(namespace, undefined, major);
      let controller: ControllerProcess | undefined;
      // The cache outlives a crash, as a pod's emptyDir outlives a container restart.
      let cacheDir: string | undefined;
      const start = async () => {
        cacheDir ??= await mkdtemp(join(tmpdir(), 'capstan-crash-cache-'));
        controller = await startController(['--watch-namespace', namespace.name, '--helm-binary', major.binary, '--log-level', 'debug', '--cache-dir', cacheDir], false, { group: true });
      };
      after(async () => {
        await controller?.stop();
        if (cacheDir !== undefined) await rm(cacheDir, { recursive: true, force: true });
      });

      const get = (name: string) => api.request<HelmRelease>('GET', objectPath(HR, namespace.name, name));
      const settled = (name: string, what: string, test: (hr: HelmRelease) => boolean) =>
        waitFor(`HelmRelease ${name}: ${what}`, async () => { const hr = await get(name); return test(hr) ? hr : undefined; }, { timeoutMs: RECOVERY_TIMEOUT_MS, intervalMs: 100 });
      const readyAt = (version: string) => (hr: HelmRelease) => isReady(hr) && hr.status?.history?.[0]?.chartVersion === version;

      /** Kills the process group, starts a new controller, and times the way back to `done`. */
      const crashAndRecover = async (run: Run, name: string, done: () => Promise<unknown>) => {
        assert.ok(controller);
        await controller.crash();
        const leftAt = (await newestRevision(namespace.name, name))?.status ?? 'none';
        const restarted = Date.now();
        await start();
        try {
          await done();
        } catch (err) {
          const tail = controller.logs.slice(-40).map((l) => JSON.stringify(l)).join('\n');
          throw new Error(`${err instanceof Error ? err.message : String(err)} (release left ${leftAt}); controller log tail:\n${tail}`, { cause: err });
        }
        figures.push({ major: major.name, run, recoveryMs: Date.now() - restarted, leftAt });
      };

      const scenarios: Record<Scenario, (run: Run) => Promise<void>> = {
        install: async (run) => {
          const name = `install-${run.index}`;
          await suite.apply(name, { interval: '10m', ...fixtureChartSpec('app', '1.0.0'), values: { config: { run: run.index } } });
          await sleep(run.killAfterMs);
          await crashAndRecover(run, name, () => settled(name, 'Ready at 1.0.0', readyAt('1.0.0')));
        },
        upgrade: async (run) => {
          const name = `upgrade-${run.index}`;
          await suite.apply(name, { interval: '10m', ...fixtureChartSpec('app', '1.0.0') });
          await settled(name, 'Ready at 1.0.0', readyAt('1.0.0'));
          await suite.apply(name, { interval: '10m', ...fixtureChartSpec('app', '2.0.0'), values: { config: { run: run.index } } });
          await sleep(run.killAfterMs);
          await crashAndRecover(run, name, () => settled(name, 'Ready at 2.0.0', readyAt('2.0.0')));
        },
        rollback: async (run) => {
          // 2.0.0 never becomes Ready: the upgrade times out and is rolled back to 1.0.0, then stalls.
          const name = `rollback-${run.index}`;
          const spec = (version: string) => ({
            interval: '10m', ...fixtureChartSpec('never-ready', version),
            upgrade: { timeout: '3s', remediation: { retries: 0, remediateLastFailure: true } },
          });
          await suite.apply(name, spec('1.0.0'));
          await settled(name, 'Ready at 1.0.0', readyAt('1.0.0'));
          await suite.apply(name, spec('2.0.0'));
          // A rollback whose pods are still ready can be over in less than one poll: revision 3 (the
          // rollback) already written counts too, and the kill then lands just after it.
          await waitFor(`helm to roll ${name} back`, async () => {
            const newest = await newestRevision(namespace.name, name);
            return newest?.status === 'pending-rollback' || (newest?.version ?? 0) >= 3 ? true : undefined;
          }, { timeoutMs: 60_000, intervalMs: 50 });
          await sleep(run.killAfterMs);
          await crashAndRecover(run, name, async () => {
            await settled(name, 'remediated and stalled', (hr) => condition(hr, 'Remediated')?.status === 'True' && condition(hr, 'Stalled')?.status === 'True');
            const [newest] = await suite.history(name).then((h) => h.slice(-1));
            assert.equal(newest?.status, 'deployed');
            const hr = await get(name);
            assert.equal(hr.status?.history?.[0]?.chartVersion, '1.0.0', 'serving the good revision again');
          });
        },
      };

      for (const run of plannedRuns(SEED + m)) {
        it(`run ${run.index}: kill -9 ${run.killAfterMs} ms into the ${run.scenario}, restart, recover`, async () => {
          if (!controller || controller.exited()) await start();
          await scenarios[run.scenario](run);
        });
      }
    });
  });
});
