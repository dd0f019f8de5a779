// Benchmark: `capstan reconcile hr NAME --force` (a forced upgrade of the `app` fixture, waited for
// to the end by the CLI) against `helm upgrade --wait` of the same chart and values, interleaved in
// one run on the local cluster. Both make one new revision with nothing changed in the manifests,
// so the difference is what capstan adds: the CLI's start, the annotation, the controller's
// reconcile and the status round trip. Needs `make cluster-up fixtures build`.
// Figures are printed, never asserted.
//
//   node bench/cli-reconcile.ts [--runs 10] [--helm helm4]
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startChartServer } from '../test/support/chart-server.ts';
import { startController } from '../test/support/controller-process.ts';
import { isolatedHelm } from '../test/support/helm.ts';
import { kubectl } from '../test/support/kubectl.ts';
import { releaseFinalizers } from '../test/support/namespace.ts';
import { FIXTURES_REPO, HELM_MAJORS, KUBECONFIG, ROOT } from '../test/support/paths.ts';
import { run } from '../test/support/run.ts';
import { median, summary } from './stats.ts';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '10' }, helm: { type: 'string', default: 'helm4' } } });
const runs = Number(args.runs);
const major = HELM_MAJORS.find((m) => m.binary.endsWith(args.helm)) ?? HELM_MAJORS[1];
const ns = `bench-cli-${randomBytes(3).toString('hex')}`;

const server = await startChartServer();
await kubectl(['create', 'namespace', ns]);
await kubectl(['apply', '-f', '-'], {
  input: `apiVersion: source.capstan.dev/v1\nkind: HelmRepository\nmetadata: {name: fixtures, namespace: ${ns}}\nspec: {url: "${server.url}", interval: 60m}\n---\n` +
    `apiVersion: helm.capstan.dev/v1\nkind: HelmRelease\nmetadata: {name: web, namespace: ${ns}}\nspec:\n  interval: 60m\n` +
    '  chart: {spec: {chart: app, version: "1.0.0", sourceRef: {kind: HelmRepository, name: fixtures}}}\n  values: {replicaCount: 1}\n',
});
const controller = await startController(['--helm-binary', major.binary, '--watch-namespace', ns], true);
await kubectl(['wait', '--for=condition=Ready', 'hr/web', '-n', ns, '--timeout=120s']);
const helm = await isolatedHelm(major);
await helm(['install', 'bare', join(FIXTURES_REPO, 'app-1.0.0.tgz'), '-n', ns, '--set', 'replicaCount=1', '--wait', '--timeout', '120s']);

const cli: number[] = [];
const bare: number[] = [];
for (let i = 0; i < runs; i++) {
  let started = performance.now();
  // The built CLI, as users run it.
  const result = await run(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), 'reconcile', 'hr', 'web', '--force', '-n', ns, '--kubeconfig', KUBECONFIG], { check: false });
  if (result.exitCode !== 0) throw new Error(`capstan reconcile failed: ${result.stderr}`);
  cli.push(performance.now() - started);
  started = performance.now();
  await helm(['upgrade', 'bare', join(FIXTURES_REPO, 'app-1.0.0.tgz'), '-n', ns, '--set', 'replicaCount=1', '--reset-values', '--wait', '--timeout', '120s']);
  bare.push(performance.now() - started);
}
console.log(`capstan reconcile hr --force (${major.name}), wall time: ${summary(cli, 'ms')}`);
console.log(`bare helm upgrade --wait, same chart and values:  ${summary(bare, 'ms')}`);
console.log(`  ratio capstan / bare helm: ${(median(cli) / median(bare)).toFixed(2)}x, difference ${(median(cli) - median(bare)).toFixed(0)} ms`);

await controller.stop();
await server.close();
await releaseFinalizers(ns);
await kubectl(['delete', 'namespace', ns, '--wait=false']);
