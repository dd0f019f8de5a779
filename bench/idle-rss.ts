// Benchmark: resident memory of an idle `capstan controller` watching N HelmReleases while N
// Helm release Secrets of ~100 KB each exist (release Secrets are watched metadata-only, so their
// content must not reach the heap). RSS is read from /proc/<pid>/status after the caches synced
// and the controller idled; the baseline is the same controller before the objects exist.
// Release Secrets are created as helm creates them (no kubectl last-applied annotation).
// Needs `make cluster-up build` (it runs dist/, as users do). Figures are printed, never asserted.
//
//   node bench/idle-rss.ts [--objects 1000] [--secret-kib 100] [--idle-seconds 15]
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startController, type ControllerProcess } from '../test/support/controller-process.ts';
import { kubectl } from '../test/support/kubectl.ts';
import { releaseFinalizers } from '../test/support/namespace.ts';
import { HELM_MAJORS } from '../test/support/paths.ts';
import { waitFor } from '../test/support/wait.ts';

const { values: args } = parseArgs({
  options: { objects: { type: 'string', default: '1000' }, 'secret-kib': { type: 'string', default: '100' }, 'idle-seconds': { type: 'string', default: '15' } },
});
const objects = Number(args.objects);
const payload = randomBytes(Number(args['secret-kib']) * 768).toString('base64'); // base64 of 0.75 KiB per KiB
const idleMs = Number(args['idle-seconds']) * 1000;
const ns = `rss-${randomBytes(3).toString('hex')}`;

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

async function measure(what: string): Promise<number> {
  const controller: ControllerProcess = await startController(['--watch-namespace', ns, '--helm-binary', HELM_MAJORS[1].binary], true);
  await waitFor('caches synced', () => controller.logs.find((l) => l.msg === 'caches synced'), { timeoutMs: 120_000 });
  await new Promise((r) => setTimeout(r, idleMs));
  const rss = await rssMiB(controller.pid);
  console.log(`${what}: RSS ${rss.toFixed(1)} MiB after ${idleMs / 1000} s idle`);
  await controller.stop();
  return rss;
}

await kubectl(['create', 'namespace', ns]);
const baseline = await measure('idle controller, empty namespace');

const docs: string[] = [];
for (let i = 0; i < objects; i++) {
  docs.push(`apiVersion: helm.capstan.dev/v1\nkind: HelmRelease\nmetadata: {name: hr-${i}, namespace: ${ns}}\nspec:\n  suspend: true\n  chart: {spec: {chart: app, sourceRef: {kind: HelmRepository, name: fixtures}}}\n`);
  docs.push(`apiVersion: v1\nkind: Secret\nmetadata:\n  name: sh.helm.release.v1.rel-${i}.v1\n  namespace: ${ns}\n  labels: {owner: helm, name: rel-${i}, status: deployed, version: "1"}\ntype: helm.sh/release.v1\ndata: {release: ${payload}}\n`);
}
const started = Date.now();
for (let i = 0; i < docs.length; i += 100) {
  await kubectl(['create', '-f', '-'], { input: docs.slice(i, i + 100).join('---\n'), timeoutMs: 300_000 });
}
console.log(`created ${objects} HelmReleases and ${objects} release Secrets of ~${args['secret-kib']} KiB in ${((Date.now() - started) / 1000).toFixed(0)} s`);
const loaded = await measure(`idle controller, ${objects} HelmReleases + ${objects} release Secrets`);
console.log(`difference: ${(loaded - baseline).toFixed(1)} MiB for ${objects} + ${objects} objects`);
await releaseFinalizers(ns);
await kubectl(['delete', 'namespace', ns, '--wait=false']);
