// Benchmark of the HelmRelease path with a real `capstan controller` process on the local cluster:
//   1. kubectl apply → Ready for the `app` fixture, and the controller's share (time not inside
//      helm), side by side with a bare `helm install --wait` of the same chart (baseline);
//   2. a resync of N in-sync HelmReleases (controller restarted, so every one is reconciled):
//      helm processes spawned, API writes, CPU per release;
//   3. ConfigMap change → upgrade started, over repeated changes.
// Needs `make cluster-up fixtures`. Figures are printed, never asserted.
//
//   node bench/helmrelease.ts [--runs 5] [--releases 100] [--changes 20] [--helm helm4]
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startChartServer } from '../test/support/chart-server.ts';
import { startController } from '../test/support/controller-process.ts';
import { isolatedHelm } from '../test/support/helm.ts';
import { kubectl } from '../test/support/kubectl.ts';
import { releaseFinalizers } from '../test/support/namespace.ts';
import { FIXTURES_REPO, HELM_MAJORS } from '../test/support/paths.ts';
import { waitFor } from '../test/support/wait.ts';
import { scrape, sumOf, writesOf } from './metrics.ts';
import { median, summary } from './stats.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    releases: { type: 'string', default: '100' },
    changes: { type: 'string', default: '20' },
    helm: { type: 'string', default: 'helm4' },
  },
});
const runs = Number(args.runs);
const releases = Number(args.releases);
const changes = Number(args.changes);
const major = HELM_MAJORS.find((m) => m.binary.endsWith(args.helm)) ?? HELM_MAJORS[1];

const ns = `bench-${randomBytes(3).toString('hex')}`;
const server = await startChartServer();
const yaml = (docs: string[]) => docs.join('\n---\n');
const hr = (name: string, extra = '') => `apiVersion: helm.capstan.dev/v1
kind: HelmRelease
metadata: {name: ${name}, namespace: ${ns}}
spec:
  interval: 60m
  chart: {spec: {chart: app, version: "1.0.0", sourceRef: {kind: HelmRepository, name: fixtures}}}
${extra}`;
const ready = async (name: string) => (await kubectl(['get', 'hr', name, '-n', ns, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'], { check: false })).stdout === 'True';

await kubectl(['create', 'namespace', ns]);
await kubectl(['apply', '-f', '-'], { input: `apiVersion: source.capstan.dev/v1\nkind: HelmRepository\nmetadata: {name: fixtures, namespace: ${ns}}\nspec: {url: "${server.url}", interval: 60m}\n` });
const controllerArgs = ['--helm-binary', major.binary, '--watch-namespace', ns, '--concurrent', '10'];
let controller = await startController(controllerArgs);
console.log(`capstan HelmRelease benchmark (${major.name}, ${releases} releases, ${runs} runs) on ${ns}`);

// 1. apply → Ready, controller share, bare helm baseline.
const total: number[] = [];
const share: number[] = [];
for (let i = 0; i < runs; i++) {
  const before = await scrape(controller);
  const started = performance.now();
  await kubectl(['apply', '-f', '-'], { input: hr(`single-${i}`) });
  await waitFor(`single-${i} Ready`, async () => ((await ready(`single-${i}`)) ? true : undefined), { timeoutMs: 120_000, intervalMs: 20 });
  const elapsed = performance.now() - started;
  const after = await scrape(controller);
  const helmMs = (sumOf(after, 'capstan_helm_action_duration_seconds_sum') - sumOf(before, 'capstan_helm_action_duration_seconds_sum')) * 1000;
  total.push(elapsed);
  share.push(elapsed - helmMs);
}
const helm = await isolatedHelm(major);
const bare: number[] = [];
for (let i = 0; i < runs; i++) {
  const started = performance.now();
  await helm(['install', `bare-${i}`, join(FIXTURES_REPO, 'app-1.0.0.tgz'), '-n', ns, '--wait', '--timeout', '120s']);
  bare.push(performance.now() - started);
}
console.log(`apply → Ready (app 1.0.0):       ${summary(total, 'ms')}`);
console.log(`  of which outside helm:          ${summary(share, 'ms')}`);
console.log(`bare helm install --wait:         ${summary(bare, 'ms')}`);
console.log(`  ratio capstan / bare helm:      ${(median(total) / median(bare)).toFixed(2)}x`);

// 2. N in-sync releases, then a controller restart: every one is reconciled from scratch.
const bulk = Array.from({ length: releases }, (_, i) => hr(`r-${i}`, '  install: {disableWait: true}\n'));
const bulkStart = performance.now();
await kubectl(['apply', '-f', '-'], { input: yaml(bulk) });
await waitFor(`${releases} releases Ready`, async () => {
  const out = await kubectl(['get', 'hr', '-n', ns, '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}']);
  return out.stdout.split('\n').filter((s) => s === 'True').length >= releases + runs ? true : undefined;
}, { timeoutMs: 1_200_000, intervalMs: 1000 });
console.log(`${releases} HelmReleases apply → all Ready: ${((performance.now() - bulkStart) / 1000).toFixed(1)} s`);
await controller.stop();
// A fresh process: its counters start at 0, so they hold exactly what the resync cost.
controller = await startController(controllerArgs);
const expected = releases + runs + 1;
await waitFor('every object reconciled after the restart', async () => sumOf(await scrape(controller), 'capstan_reconcile_total') >= expected ? true : undefined, { timeoutMs: 300_000, intervalMs: 200 });
await new Promise((r) => setTimeout(r, 2000));
const resync = await scrape(controller);
const cpuMs = sumOf(resync, 'capstan_process_cpu_seconds_total') * 1000;
console.log(`resync of ${releases + runs} in-sync HelmReleases after a restart: helm processes ${sumOf(resync, 'capstan_helm_action_duration_seconds_count')}, ` +
  `API writes ${writesOf(resync)}, reconciles ${sumOf(resync, 'capstan_reconcile_total')}, process CPU ${cpuMs.toFixed(0)} ms in all (${(cpuMs / (releases + runs)).toFixed(2)} ms per release, start-up included)`);

// 3. ConfigMap change → upgrade started (the controller's "upgrading" log line).
await kubectl(['create', 'configmap', 'cm-values', '-n', ns, '--from-literal=values.yaml=config: {n: 0}']);
await kubectl(['apply', '-f', '-'], { input: hr('cm', '  install: {disableWait: true}\n  upgrade: {disableWait: true}\n  valuesFrom: [{kind: ConfigMap, name: cm-values}]\n') });
await waitFor('cm Ready', async () => ((await ready('cm')) ? true : undefined), { timeoutMs: 120_000 });
const latencies: number[] = [];
for (let i = 1; i <= changes; i++) {
  const seen = controller.logs.length;
  const changedAt = Date.now();
  await kubectl(['create', 'configmap', 'cm-values', '-n', ns, `--from-literal=values.yaml=config: {n: ${i}}`, '--dry-run=client', '-o', 'yaml'])
    .then((r) => kubectl(['apply', '-f', '-', '-n', ns], { input: r.stdout }));
  const line = await waitFor(`upgrade ${i} started`, () => controller.logs.slice(seen).find((l) => typeof l.msg === 'string' && l.msg.startsWith('upgrading') && l.name === 'cm'), { timeoutMs: 60_000, intervalMs: 10 });
  latencies.push(Number(line.time) - changedAt);
  await waitFor(`upgrade ${i} done`, () => controller.logs.slice(seen).find((l) => typeof l.msg === 'string' && l.msg.startsWith('upgraded') && l.name === 'cm'), { timeoutMs: 60_000, intervalMs: 10 });
}
console.log(`ConfigMap change → upgrade started: ${summary(latencies, 'ms')} (from before kubectl apply ran)`);

await controller.stop();
await server.close();
await releaseFinalizers(ns);
await kubectl(['delete', 'namespace', ns, '--wait=false']);
