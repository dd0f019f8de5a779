// Benchmark: resident memory of an idle `capstan controller` watching N HelmReleases while N
// Helm release Secrets of ~100 KB each exist (release Secrets are watched metadata-only, so their
// content must not reach the heap). The baseline is the same controller on an empty namespace.
//
// Each loaded run is a first start: the HelmReleases carry no finalizer yet, so the controller
// lists everything, then adds its finalizer to each (N PATCHes) and reconciles each twice.
// "Idle" means caches synced and the work queue drained (no reconcile for 2 s); RSS (VmRSS) is
// read from /proc/<pid>/status after --idle-seconds more, with the peak (VmHWM) of the whole run.
// Release Secrets are created as helm creates them (no kubectl last-applied annotation).
// Needs `make cluster-up build` (it runs dist/, as users do). Figures are printed, never asserted.
//
//   node bench/idle-rss.ts [--objects 1000] [--secret-kib 100] [--idle-seconds 15] [--runs 3]
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { capstanResource, objectPath, collectionPath, type KubeList, type KubeObject } from '../src/kube/resource.ts';
import { countingClient } from '../test/support/controller-client.ts';
import { startController, type ControllerProcess } from '../test/support/controller-process.ts';
import { kubectl } from '../test/support/kubectl.ts';
import { HELM_MAJORS } from '../test/support/paths.ts';
import { waitFor } from '../test/support/wait.ts';
import { summary } from './stats.ts';

const { values: args } = parseArgs({
  options: {
    objects: { type: 'string', default: '1000' }, 'secret-kib': { type: 'string', default: '100' },
    'idle-seconds': { type: 'string', default: '15' }, runs: { type: 'string', default: '3' },
  },
});
const objects = Number(args.objects);
const runs = Number(args.runs);
const payload = randomBytes(Number(args['secret-kib']) * 768).toString('base64'); // base64 of 0.75 KiB per KiB
const idleMs = Number(args['idle-seconds']) * 1000;
const ns = `rss-${randomBytes(3).toString('hex')}`;
const { client } = countingClient();
const HR = capstanResource('HelmRelease');

async function memoryMiB(pid: number): Promise<{ rss: number; hwm: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, hwm: kib('VmHWM') / 1024 };
}

/** Reconciles so far, once the queues are empty; undefined while work is queued. */
async function reconcilesWhenDrained(controller: ControllerProcess): Promise<number | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${controller.metricsPort}/metrics`)).text();
  const sum = (re: RegExp) => [...text.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
  return sum(/^capstan_workqueue_depth\{[^}]*\} (\S+)$/gm) === 0 ? sum(/^capstan_reconcile_total\{[^}]*\} (\S+)$/gm) : undefined;
}

async function measure(): Promise<{ rss: number; hwm: number }> {
  const controller = await startController(['--watch-namespace', ns, '--helm-binary', HELM_MAJORS[1].binary], true);
  await waitFor('caches synced', () => controller.logs.find((l) => l.msg === 'caches synced'), { timeoutMs: 120_000 });
  let last = -1;
  await waitFor('the work queue to drain', async () => {
    const done = await reconcilesWhenDrained(controller);
    const settled = done !== undefined && done === last;
    last = done ?? -1;
    return settled ? true : undefined;
  }, { timeoutMs: 300_000, intervalMs: 2000 });
  await new Promise((r) => setTimeout(r, idleMs));
  const memory = await memoryMiB(controller.pid);
  await controller.stop();
  return memory;
}

/** Back to "never seen by a controller", in parallel (kubectl patch one by one takes minutes). */
async function dropFinalizers(): Promise<void> {
  const list = await client.request<KubeList<KubeObject>>('GET', collectionPath(HR, ns));
  const names = (list.items ?? []).filter((o) => o.metadata.finalizers?.length).map((o) => o.metadata.name);
  const next = () => names.pop();
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let name = next(); name; name = next()) {
      await client.request('PATCH', objectPath(HR, ns, name), { body: { metadata: { finalizers: null } }, contentType: 'application/merge-patch+json' });
    }
  }));
}

async function series(what: string, before: () => Promise<void>): Promise<void> {
  const results = [];
  for (let i = 0; i < runs; i++) {
    await before();
    const m = await measure();
    console.log(`  ${what}, run ${i + 1}: RSS ${m.rss.toFixed(1)} MiB after ${idleMs / 1000} s idle, peak ${m.hwm.toFixed(1)} MiB`);
    results.push(m);
  }
  console.log(`${what}: idle RSS ${summary(results.map((r) => r.rss), 'MiB', 1)}; peak RSS ${summary(results.map((r) => r.hwm), 'MiB', 1)}`);
}

await kubectl(['create', 'namespace', ns]);
try {
  await series('idle controller, empty namespace', () => Promise.resolve());
  const docs: string[] = [];
  for (let i = 0; i < objects; i++) {
    docs.push(`apiVersion: helm.capstan.dev/v1\nkind: HelmRelease\nmetadata: {name: hr-${i}, namespace: ${ns}}\nspec:\n  suspend: true\n  interval: 10m\n  chart: {spec: {chart: app, sourceRef: {kind: HelmRepository, name: fixtures}}}\n`);
    docs.push(`apiVersion: v1\nkind: Secret\nmetadata:\n  name: sh.helm.release.v1.rel-${i}.v1\n  namespace: ${ns}\n  labels: {owner: helm, name: rel-${i}, status: deployed, version: "1"}\ntype: helm.sh/release.v1\ndata: {release: ${payload}}\n`);
  }
  const started = Date.now();
  for (let i = 0; i < docs.length; i += 100) {
    await kubectl(['create', '-f', '-'], { input: docs.slice(i, i + 100).join('---\n'), timeoutMs: 300_000 });
  }
  console.log(`created ${objects} HelmReleases and ${objects} release Secrets of ~${args['secret-kib']} KiB in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  await series(`idle controller, ${objects} HelmReleases + ${objects} release Secrets (first start: ${objects} finalizer PATCHes)`, dropFinalizers);
} finally {
  await dropFinalizers();
  await kubectl(['delete', 'namespace', ns, '--wait=false']);
}
