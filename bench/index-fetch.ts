// Benchmark: a repository index shaped like the largest public ones, fetched and parsed by capstan
// (cold, in a fresh process each time) and confirmed unchanged (the 304 path), side by side with
// helm's own cost on the same index (`helm repo add` + `helm search repo CHART --versions`, with an
// isolated helm home). Figures are printed, never asserted.
//
//   node bench/index-fetch.ts [--runs 5] [--helm-runs 3] [--charts 150] [--versions 110]
import { execa } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { IndexCache } from '../src/source/index-cache.ts';
import { indexStats } from '../src/source/index-model.ts';
import { refreshIndex } from '../src/source/index-refresh.ts';
import { resolveChartVersion } from '../src/source/resolve.ts';
import { startChartServer } from '../test/support/chart-server.ts';
import { HELM_MAJORS } from '../test/support/paths.ts';
import { chartName, generateLargeIndex } from './large-index.ts';

interface ChildFigures {
  coldMs: number;
  peakRssDeltaMiB: number;
  notModifiedMs: number;
  /** One `chart.spec.version` resolution against the parsed index, Helm's rules. */
  resolveMs: number;
  charts: number;
  versions: number;
}

const MiB = 1024 * 1024;

/** One cold measurement, in this (fresh) process: fetch + parse + normalise + persist, then the 304 path. */
async function child(url: string): Promise<void> {
  const cache = new IndexCache({ dir: await mkdtemp(join(tmpdir(), 'capstan-bench-cache-')) });
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const cold = await refreshIndex({ url, timeoutMs: 120_000, cache });
  const coldMs = performance.now() - started;
  // maxRSS is the process's peak so far, in KiB: its growth over the RSS before is the peak extra memory.
  const peakRssDeltaMiB = (process.resourceUsage().maxRSS * 1024 - rssBefore) / MiB;
  const again = performance.now();
  const unchanged = await refreshIndex({ url, timeoutMs: 120_000, cache });
  const notModifiedMs = performance.now() - again;
  if (unchanged.changed) throw new Error('expected a 304 on the second fetch');
  const chart = chartName(0);
  const resolving = performance.now();
  resolveChartVersion({ chart, repository: url, versions: cold.entry.index.charts.get(chart) ?? [] }, '>=1.0.0 <3.0.0');
  const resolveMs = performance.now() - resolving;
  const stats = indexStats(cold.entry.index);
  const figures: ChildFigures = { coldMs, peakRssDeltaMiB, notModifiedMs, resolveMs, charts: stats.charts, versions: stats.versions };
  process.stdout.write(JSON.stringify(figures));
}

async function timeHelm(binary: string, args: string[], env: Record<string, string>): Promise<{ ms: number; peakRssMiB?: number }> {
  const gnuTime = existsSync('/usr/bin/time');
  const started = performance.now();
  const result = gnuTime
    ? await execa('/usr/bin/time', ['-f', '%M', binary, ...args], { env, stdout: 'ignore' })
    : await execa(binary, args, { env, stdout: 'ignore' });
  const ms = performance.now() - started;
  const kib = gnuTime ? Number(result.stderr.trim().split('\n').at(-1)) : NaN;
  return Number.isFinite(kib) ? { ms, peakRssMiB: kib / 1024 } : { ms };
}

interface HelmFigures {
  repoAddMs: number;
  searchMs: number;
  totalMs: number;
  peakRssMiB?: number;
}

async function helmRun(binary: string, url: string, chart: string): Promise<HelmFigures> {
  const home = await mkdtemp(join(tmpdir(), 'capstan-bench-helm-'));
  const env = { HELM_CONFIG_HOME: join(home, 'config'), HELM_CACHE_HOME: join(home, 'cache'), HELM_DATA_HOME: join(home, 'data') };
  try {
    const add = await timeHelm(binary, ['repo', 'add', 'bench', url], env);
    const search = await timeHelm(binary, ['search', 'repo', `bench/${chart}`, '--versions'], env);
    const peak = Math.max(add.peakRssMiB ?? NaN, search.peakRssMiB ?? NaN);
    return { repoAddMs: add.ms, searchMs: search.ms, totalMs: add.ms + search.ms, ...(Number.isFinite(peak) ? { peakRssMiB: peak } : {}) };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

function summary(xs: number[], unit: string, digits = 0): string {
  if (xs.length === 0) return 'n/a';
  const f = (x: number) => x.toFixed(digits);
  return `${f(median(xs))} ${unit} (min ${f(Math.min(...xs))}, max ${f(Math.max(...xs))}, n=${xs.length})`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      runs: { type: 'string', default: '5' },
      'helm-runs': { type: 'string', default: '3' },
      charts: { type: 'string', default: '150' },
      versions: { type: 'string', default: '110' },
    },
  });
  if (values.child !== undefined) return child(values.child);

  const shape = { charts: Number(values.charts), versionsPerChart: Number(values.versions) };
  const root = await mkdtemp(join(tmpdir(), 'capstan-bench-repo-'));
  const text = generateLargeIndex(shape);
  await writeFile(join(root, 'index.yaml'), text);
  const server = await startChartServer({ root });
  const chart = chartName(Math.floor(shape.charts / 2));
  console.log(`index: ${shape.charts} charts x ${shape.versionsPerChart} versions = ${shape.charts * shape.versionsPerChart} entries, ${(Buffer.byteLength(text) / MiB).toFixed(1)} MiB (${Buffer.byteLength(text)} bytes), served on loopback`);
  try {
    const runs: ChildFigures[] = [];
    for (let i = 0; i < Number(values.runs); i++) {
      const { stdout } = await execa(process.execPath, [import.meta.filename, '--child', server.url]);
      runs.push(JSON.parse(stdout) as ChildFigures);
    }
    const first = runs[0];
    console.log(`\ncapstan (fresh process per run; fetch + parse + normalise + write cache)`);
    console.log(`  parsed:                ${first?.charts ?? 0} charts, ${first?.versions ?? 0} versions`);
    console.log(`  cold fetch+parse:      ${summary(runs.map((r) => r.coldMs), 'ms')}`);
    console.log(`  peak RSS delta:        ${summary(runs.map((r) => r.peakRssDeltaMiB), 'MiB', 1)}`);
    console.log(`  304 path:              ${summary(runs.map((r) => r.notModifiedMs), 'ms', 1)}`);
    console.log(`  one resolution:        ${summary(runs.map((r) => r.resolveMs), 'ms', 2)} (helm's equivalent is inside search --versions below)`);

    const capstanCold = median(runs.map((r) => r.coldMs));
    const capstanRss = median(runs.map((r) => r.peakRssDeltaMiB));
    for (const major of HELM_MAJORS) {
      const helmRuns: HelmFigures[] = [];
      for (let i = 0; i < Number(values['helm-runs']); i++) helmRuns.push(await helmRun(major.binary, server.url, chart));
      const total = median(helmRuns.map((r) => r.totalMs));
      const rss = helmRuns.flatMap((r) => (r.peakRssMiB === undefined ? [] : [r.peakRssMiB]));
      console.log(`\n${major.name} (isolated home; \`helm repo add\` + \`helm search repo bench/${chart} --versions\`)`);
      console.log(`  repo add:              ${summary(helmRuns.map((r) => r.repoAddMs), 'ms')}`);
      console.log(`  search --versions:     ${summary(helmRuns.map((r) => r.searchMs), 'ms')}`);
      console.log(`  total:                 ${summary(helmRuns.map((r) => r.totalMs), 'ms')}`);
      if (rss.length > 0) console.log(`  peak RSS (process):    ${summary(rss, 'MiB', 1)}`);
      console.log(`  ratio capstan cold / ${major.name} total:   ${(capstanCold / total).toFixed(2)}x`);
      console.log(`  ratio capstan cold / ${major.name} repo add: ${(capstanCold / median(helmRuns.map((r) => r.repoAddMs))).toFixed(2)}x`);
      if (rss.length > 0) console.log(`  ratio capstan peak RSS delta / ${major.name} peak RSS: ${(capstanRss / median(rss)).toFixed(2)}x`);
    }
  } finally {
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
}

await main();
