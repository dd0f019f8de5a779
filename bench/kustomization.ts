// Benchmark of the Kustomization path with a real `capstan controller` process on the local cluster:
//   1. first apply of 500 objects (50 apps of a Deployment, 2 Services, 2 ServiceAccounts and 5
//      ConfigMaps, one file per app, from a Git repository on loopback): Kustomization created →
//      Ready, its time inside the reconcile and until the objects were applied, beside
//      `kubectl apply --server-side -f <folder>` of the same files; each run both, each into a
//      fresh namespace, in alternating order;
//   2. requested reconciles (reconcile.capstan.dev/requestedAt) of those 500 objects in sync: API
//      writes from the controller's metrics (dry runs apart), and what changed in the status;
//   3. Git polls with no change: the git processes the controller started (a `git` first on its
//      PATH logs each call before running the real one) and the requests the Git server saw;
//   4. interval resyncs (a short spec.interval) of the same objects in sync: API writes. After the
//      polls, so that no timer of the short interval is left to reconcile during them.
// Needs `make cluster-up`. Figures are printed, never asserted.
//
//   node bench/kustomization.ts [--runs 5] [--apps 50] [--resyncs 3] [--polls 5]
import { randomBytes } from 'node:crypto';
import { appendFile, chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import type { GitRepository, Kustomization } from '../src/api/objects.ts';
import { ANNOTATIONS } from '../src/api/objects.ts';
import { countingClient } from '../test/support/controller-client.ts';
import { startController, type ControllerProcess } from '../test/support/controller-process.ts';
import { createRepository, startGitServer } from '../test/support/git-server.ts';
import { gitRepoYaml } from '../test/support/gitrepository.ts';
import { configMapYaml, deploymentYaml, ksReady } from '../test/support/kustomization.ts';
import { kubectl } from '../test/support/kubectl.ts';
import { run } from '../test/support/run.ts';
import { waitFor } from '../test/support/wait.ts';
import { requests, scrape, sumOf, writesOf, type Sample } from './metrics.ts';
import { median, summary } from './stats.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    apps: { type: 'string', default: '50' },
    resyncs: { type: 'string', default: '3' },
    polls: { type: 'string', default: '5' },
  },
});
const runs = Number(args.runs);
const apps = Number(args.apps);
const resyncs = Number(args.resyncs);
const polls = Number(args.polls);

// The GitRepository polls this often from the start: changing its interval later would write its
// status, and so reconcile every Kustomization of it, while the polls are counted.
const POLL_S = 2;
const home = `bench-ks-${randomBytes(3).toString('hex')}`;
const api = countingClient().client;
const KS_PATH = `/apis/kustomize.capstan.dev/v1/namespaces/${home}/kustomizations`;
const getKs = (name: string) => api.request<Kustomization>('GET', `${KS_PATH}/${name}`);
const getRepo = () => api.request<GitRepository>('GET', `/apis/source.capstan.dev/v1/namespaces/${home}/gitrepositories/objects`);
const waitKs = (name: string, what: string, test: (ks: Kustomization) => boolean) =>
  waitFor(`Kustomization ${name}: ${what}`, async () => { const ks = await getKs(name); return test(ks) ? ks : undefined; }, { timeoutMs: 300_000, intervalMs: 50 });
const mergePatch = (path: string, body: unknown) => api.request('PATCH', path, { body, contentType: 'application/merge-patch+json' });
const delta = (after: Sample[], before: Sample[], f: (s: Sample[]) => number) => f(after) - f(before);
const ksReconciles = (s: Sample[]) => sumOf(s, 'capstan_reconcile_total', { kind: 'Kustomization' });

// --- the source: one file per app, 10 objects each ---
const service = (name: string, app: string, port: number) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  selector: {app: ${app}}\n  ports: [{name: http, port: ${port}, targetPort: 8080}]\n`;
const serviceAccount = (name: string) => `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n`;
const appFile = (i: number) => {
  const app = `app-${String(i).padStart(3, '0')}`;
  return [
    deploymentYaml(app), service(app, app, 80), service(`${app}-metrics`, app, 9090),
    serviceAccount(app), serviceAccount(`${app}-deployer`),
    ...Array.from({ length: 5 }, (_, k) => configMapYaml(`${app}-config-${k}`, `${app} setting ${k}`)),
  ].join('---\n');
};
const files = Object.fromEntries(Array.from({ length: apps }, (_, i) => [`apps/app-${String(i).padStart(3, '0')}.yaml`, appFile(i)]));
const objects = apps * 10;
const scratch = await mkdtemp(join(tmpdir(), 'capstan-bench-ks-'));
await mkdir(join(scratch, 'apps'));
for (const [file, content] of Object.entries(files)) await writeFile(join(scratch, file), content);

const server = await startGitServer();
const repository = await createRepository(server, 'objects');
const commit = await repository.commit(files);

// A `git` that logs its parent's pid and its arguments, then runs the real git.
const realGit = (await run('sh', ['-c', 'command -v git'])).stdout.trim();
const gitLog = join(scratch, 'git-calls.log');
await mkdir(join(scratch, 'bin'));
await writeFile(join(scratch, 'bin', 'git'), `#!/bin/sh\nprintf '%s %s\\n' "$PPID" "$*" >> '${gitLog}'\nexec '${realGit}' "$@"\n`);
await chmod(join(scratch, 'bin', 'git'), 0o755);
await appendFile(gitLog, '');
const originalPath = process.env.PATH;
process.env.PATH = `${join(scratch, 'bin')}:${originalPath ?? ''}`;
const controller: ControllerProcess = await startController(['--watch-namespace', home]);
process.env.PATH = originalPath;
/** The git subcommands the controller ran, in order (`-c key=value` options skipped). */
const gitCalls = async () => (await readFile(gitLog, 'utf8')).split('\n').flatMap((line) => {
  const [ppid, ...argv] = line.split(' ');
  if (ppid !== String(controller.pid)) return [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '-c') i++;
    else return [argv[i] ?? ''];
  }
  return [];
});

await kubectl(['create', 'namespace', home]);
await kubectl(['apply', '-n', home, '-f', '-'], { input: gitRepoYaml('objects', `${server.url}${repository.path}`, '  ref: {branch: main}\n', `${String(POLL_S)}s`) });
await waitFor('the GitRepository artifact', async () => ((await getRepo()).status?.artifact?.revision === `main@sha1:${commit}` ? true : undefined), { timeoutMs: 60_000 });
console.log(`capstan Kustomization benchmark: ${objects} objects (${apps} apps: Deployment, 2 Services, 2 ServiceAccounts, 5 ConfigMaps), ${runs} runs, home namespace ${home}, load average ${loadavg()[0]?.toFixed(1) ?? '?'}`);

// --- 1. first apply: Kustomization → Ready against kubectl apply --server-side ---
const ksManifest = (name: string, target: string) => ({
  apiVersion: 'kustomize.capstan.dev/v1', kind: 'Kustomization', metadata: { name, namespace: home },
  spec: { sourceRef: { kind: 'GitRepository', name: 'objects' }, path: './apps', interval: '60m', timeout: '5m', prune: true, targetNamespace: target },
});
const targets: string[] = [];
const toReady: number[] = [];
const inReconcile: number[] = [];
const toApplied: number[] = [];
const bare: number[] = [];
const firstApply: string[] = [];

async function capstanRun(i: number, target: string): Promise<void> {
  const before = await scrape(controller);
  const seen = controller.logs.length;
  const started = Date.now();
  await api.request('POST', KS_PATH, { body: ksManifest(`ks-${i}`, target) });
  await waitKs(`ks-${i}`, 'Ready', ksReady);
  toReady.push(Date.now() - started);
  const applied = controller.logs.slice(seen).find((l) => l.msg === 'applied' && l.name === `ks-${i}`);
  if (applied) toApplied.push(Number(applied.time) - started);
  // Ready is written at the end of the reconcile: its duration is in the histogram a moment later.
  await new Promise((r) => setTimeout(r, 200));
  const after = await scrape(controller);
  inReconcile.push(delta(after, before, (s) => sumOf(s, 'capstan_reconcile_duration_seconds_sum', { kind: 'Kustomization' })) * 1000);
  const d = (verb: string, dryRun = false) => delta(after, before, (s) => requests(s, verb, dryRun));
  firstApply.push(`GET ${d('GET')}, dry-run PATCH ${d('PATCH', true)}, PATCH ${d('PATCH')}, POST ${d('POST')} (events), reconciles ${delta(after, before, ksReconciles)}`);
}

async function kubectlRun(target: string): Promise<void> {
  const started = performance.now();
  await kubectl(['apply', '--server-side', '-f', join(scratch, 'apps'), '-n', target]);
  bare.push(performance.now() - started);
}

for (let i = 0; i < runs; i++) {
  const [ours, theirs] = [`${home}-c${i}`, `${home}-k${i}`];
  targets.push(ours, theirs);
  await kubectl(['create', 'namespace', ours]);
  await kubectl(['create', 'namespace', theirs]);
  if (i % 2 === 0) {
    await capstanRun(i, ours);
    await kubectlRun(theirs);
  } else {
    await kubectlRun(theirs);
    await capstanRun(i, ours);
  }
}
const rows: [string, string][] = [];
const show = (what: string, figure: string) => {
  rows.push([what, figure]);
  console.log(`${what}: ${figure}`);
};
const perResync = (a: Sample[], b: Sample[], n: number) =>
  `GET ${(delta(a, b, (s) => requests(s, 'GET')) / n).toFixed(0)}, dry-run PATCH ${(delta(a, b, (s) => requests(s, 'PATCH', true)) / n).toFixed(0)}, ` +
  `${(delta(a, b, (s) => sumOf(s, 'capstan_reconcile_duration_seconds_sum', { kind: 'Kustomization' })) * 1000 / n).toFixed(0)} ms in the reconcile`;
const byVerb = (a: Sample[], b: Sample[]) => ['POST', 'PUT', 'PATCH', 'DELETE'].map((v) => `${v} ${delta(a, b, (s) => requests(s, v))}`).join(', ');
show(`Kustomization created → Ready (${objects} objects)`, summary(toReady, 'ms'));
show('  created → all objects applied ("applied" log line)', summary(toApplied, 'ms'));
show('  time inside the reconcile (build, dry runs, apply, status)', summary(inReconcile, 'ms'));
show('kubectl apply --server-side -f <folder>, same files (baseline)', `${summary(bare, 'ms')}; ratio capstan / kubectl ${(median(toReady) / median(bare)).toFixed(2)}x`);
show('API requests of one first apply (distinct sets)', [...new Set(firstApply)].join('; or '));

// --- 2. requested in-sync reconciles ---
const idle = async () => { await new Promise((r) => setTimeout(r, 1000)); };
const ksStatus = (ks: Kustomization) => ({ ...ks.status, lastHandledReconcileAt: undefined });
const settled = await getKs('ks-0');
let before = await scrape(controller);
for (let k = 1; k <= resyncs; k++) {
  const token = `bench-${randomBytes(3).toString('hex')}`;
  await mergePatch(`${KS_PATH}/ks-0`, { metadata: { annotations: { [ANNOTATIONS.requestedAt]: token } } });
  await waitKs('ks-0', `handled ${token}`, (ks) => ks.status?.lastHandledReconcileAt === token);
}
await idle();
let after = await scrape(controller);
const requested = await getKs('ks-0');
show(`requested reconcile (${ANNOTATIONS.requestedAt}), in sync, ×${resyncs}`,
  `API writes ${delta(after, before, writesOf)} (${byVerb(after, before)}); the status changed in lastHandledReconcileAt only: ${isDeepStrictEqual(ksStatus(settled), ksStatus(requested)) ? 'yes' : 'no'}; ` +
  `reconciles ${delta(after, before, ksReconciles)}; per reconcile: ${perResync(after, before, resyncs)}`);

// --- 3. Git polls with no change ---
const repoBefore = await getRepo();
const requestsSeen = server.requests.length;
const callsSeen = (await gitCalls()).length;
before = await scrape(controller);
const lsRemoteRequests = () => server.requests.slice(requestsSeen).filter((r) => r.path.endsWith('/info/refs?service=git-upload-pack')).length;
await waitFor(`${polls} polls`, () => (lsRemoteRequests() >= polls ? true : undefined), { timeoutMs: 120_000, intervalMs: 100 });
await new Promise((r) => setTimeout(r, 300));
after = await scrape(controller);
const calls = (await gitCalls()).slice(callsSeen);
const countOf = (items: string[]) => [...items.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>())].map(([x, n]) => `${x} ×${n}`).join(', ') || 'none';
show(`Git poll with no change (spec.interval ${String(POLL_S)}s), ×${delta(after, before, (s) => sumOf(s, 'capstan_reconcile_total', { kind: 'GitRepository' }))}`,
  `git processes ${calls.length} (${countOf(calls)}); Git server saw ${countOf(server.requests.slice(requestsSeen).map((r) => `${r.method} ${r.path.replace(repository.path, '')}`))}; ` +
  `API writes ${delta(after, before, writesOf)}; Kustomization reconciles ${delta(after, before, ksReconciles)}; ` +
  `GitRepository resourceVersion unchanged: ${String((await getRepo()).metadata.resourceVersion === repoBefore.metadata.resourceVersion)}`);

// --- 4. interval in-sync resyncs ---
await mergePatch(`${KS_PATH}/ks-0`, { spec: { interval: '3s' } });
const shortInterval = await waitKs('ks-0', 'interval 3s observed', (ks) => ks.status?.observedGeneration === ks.metadata.generation && ksReady(ks));
await idle();
before = await scrape(controller);
await waitFor(`${resyncs} interval resyncs`, async () => (ksReconciles(await scrape(controller)) >= ksReconciles(before) + resyncs ? true : undefined), { timeoutMs: 120_000, intervalMs: 200 });
after = await scrape(controller);
const resynced = delta(after, before, ksReconciles);
show(`interval resync (spec.interval 3s), in sync, ×${resynced}`,
  `API writes ${delta(after, before, writesOf)} (${byVerb(after, before)}); Kustomization resourceVersion unchanged: ${String((await getKs('ks-0')).metadata.resourceVersion === shortInterval.metadata.resourceVersion)}; ` +
  `per resync: ${perResync(after, before, resynced)}`);

console.log(`\nload average at the end: ${loadavg()[0]?.toFixed(1) ?? '?'}`);
console.log(`\n| what | figure |\n|---|---|\n${rows.map(([what, figure]) => `| ${what.trim()} | ${figure} |`).join('\n')}`);

await controller.stop();
await server.close();
for (const ns of [home, ...targets]) await kubectl(['delete', 'namespace', ns, '--wait=false'], { check: false });
await rm(scratch, { recursive: true, force: true });
