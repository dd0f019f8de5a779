// Capstan picks the chart version the real helm picks: seeded random indexes and constraints, each
// served over loopback to `helm pull --repo … --version C`; the chart URL helm then requests is its
// pick. Both helm majors, since they carry different Masterminds/semver releases.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as yaml from 'js-yaml';
import { InvalidConstraintError } from '../../../src/source/constraint.ts';
import type { ChartVersion } from '../../../src/source/index-model.ts';
import { ChartVersionNotFoundError, resolveChartVersion, resolveOptionsForHelm, type ResolveOptions } from '../../../src/source/resolve.ts';
import { startChartServer, type ChartServer } from '../../support/chart-server.ts';
import { inPool, Random } from '../../support/seeded.ts';
import { isolatedHelm } from '../../support/helm.ts';
import { HELM_MAJORS } from '../../support/paths.ts';

const SEED = 20_250_611;
const CASES = 400;
const CONCURRENCY = 4;
const CHART = 'app';

interface Case {
  id: number;
  versions: ChartVersion[];
  constraint: string;
}

class Generator extends Random {

  /** Versions close to each other, so that constraints often match several and ties are common. */
  version(): string {
    if (this.chance(0.04)) return this.pick(['latest', '1.2.3.4', '1.0.0-01', 'v', '1.0.0-', 'V1.0.0']);
    const [major, minor, patch] = [this.pick(['0', '1', '1', '2', '2', '3']), String(this.int(4)), String(this.int(4))];
    const shape = this.next();
    let text = shape < 0.8 ? `${major}.${minor}.${patch}` : shape < 0.93 ? `${major}.${minor}` : major;
    if (this.chance(0.12)) text = `v${text}`;
    if (this.chance(0.25)) text += `-${this.pick(['alpha', 'alpha.1', 'beta', 'beta.2', 'beta.10', 'rc.1', '0', '1', 'x-y'])}`;
    if (this.chance(0.2)) text += `+${this.pick(['b1', 'b2', 'build.7', 'sha.5f3a'])}`;
    return text;
  }

  /** A list where many entries tie (same version up to build metadata, `v` or missing parts). */
  tiedVersion(): string {
    return this.pick(['1.0.0', '1.0.0+b1', '1.0.0+b2', '1.0.0+b3', 'v1.0.0', '1.0', '1', '1.0.0+b1', '0.9.0', '1.0.0-rc.1']);
  }

  versions(caseId: number): string[] {
    const length = this.chance(0.3) ? 13 + this.int(12) : 1 + this.int(9);
    const tied = this.chance(0.3);
    const out: string[] = [];
    for (let i = 0; i < length; i++) {
      out.push(out.length > 0 && this.chance(0.08) ? this.pick(out) : tied ? this.tiedVersion() : this.version());
    }
    if (caseId % 10 === 2) out.splice(this.int(out.length + 1), 0, '4.0.0-rc.1');
    return out;
  }

  operand(): string {
    const part = (): string => (this.chance(0.15) ? this.pick(['x', 'X', '*']) : String(this.int(4)));
    const shape = this.next();
    let text = shape < 0.55 ? `${part()}.${part()}.${part()}` : shape < 0.85 ? `${part()}.${part()}` : part();
    if (this.chance(0.1)) text = `v${text}`;
    if (this.chance(0.2)) text += `-${this.pick(['0', 'alpha', 'beta.1', 'rc.1'])}`;
    if (this.chance(0.05)) text += '+meta';
    return text;
  }

  clause(operator: string): string {
    if (this.chance(0.1)) return `${this.operand()} - ${this.operand()}`;
    return `${operator}${this.pick(['', '', ' '])}${this.operand()}`;
  }

  constraint(caseId: number, versions: string[]): string {
    const kind = caseId % 10;
    if (kind === 0 && versions.length > 0) return this.pick(versions);
    if (kind === 1) return this.pick(['', '', '*', '>0.0.0-0', '1.2.3.4', '>= one', '~>', '1 ||', '1.2 -1.4', '>=1,,<2', '^1.x.5', 'x.2.1']);
    // Where helm's prerelease rules part: an AND group with one comparison naming a prerelease, or a
    // plain != (see versions(): these indexes hold 4.0.0-rc.1, above every stable version).
    if (kind === 2) {
      const a = this.int(3);
      return this.pick([`>=${a}.0.0-0 <5.0.0`, `!=${a}.${this.int(4)}.0`, `>${a}.0.0-alpha, <=4`, `~4.0.0-0 !=4.0.1`, `^4.0.0-0 || <${a}`, `>=${a}.0.0-0, !=1.1.1`]);
    }
    // Every operator comes first in some case: '' and '=' are equality, '~>' tilde, '=>'/'=<' aliases.
    const operators = ['', '=', '!=', '>', '<', '>=', '=>', '<=', '=<', '~', '~>', '^'];
    const groups: string[] = [];
    const groupCount = this.chance(0.25) ? 2 : 1;
    for (let g = 0; g < groupCount; g++) {
      const clauses = [this.clause(operators[caseId % operators.length] ?? '')];
      const more = this.chance(0.5) ? 0 : 1 + this.int(2);
      for (let c = 0; c < more; c++) clauses.push(this.clause(this.pick(operators)));
      groups.push(clauses.join(this.pick([', ', ',', ' '])));
    }
    return groups.join(this.pick([' || ', '||']));
  }

  created(): string | undefined {
    if (this.chance(0.2)) return undefined;
    return new Date(Date.UTC(2020 + this.int(5), this.int(12), 1 + this.int(28), this.int(24))).toISOString();
  }
}

function generateCases(seed: number, count: number): Case[] {
  const gen = new Generator(seed);
  return Array.from({ length: count }, (_, id) => {
    const strings = gen.versions(id);
    const versions = strings.map((version, n): ChartVersion => {
      const created = gen.created();
      return { version, urls: [`v-${n}.tgz`], ...(created ? { created } : {}) };
    });
    return { id, versions, constraint: gen.constraint(id, strings) };
  });
}

function indexYaml(versions: ChartVersion[]): string {
  const entries = versions.map((v) => ({ apiVersion: 'v2', name: CHART, version: v.version, ...(v.created ? { created: v.created } : {}), urls: v.urls }));
  return yaml.dump({ apiVersion: 'v1', entries: { [CHART]: entries } }, { forceQuotes: true });
}

/** "v-3.tgz" for a pick, "none" when nothing matched or the constraint is invalid. */
function capstanPick(c: Case, options: ResolveOptions): string {
  try {
    return resolveChartVersion({ chart: CHART, repository: 'differential', versions: c.versions }, c.constraint, options).urls[0] ?? 'no URL';
  } catch (err) {
    if (err instanceof InvalidConstraintError || err instanceof ChartVersionNotFoundError) return 'none';
    throw err;
  }
}

describe('chart version resolution against the real helm', () => {
  const cases = generateCases(SEED, CASES);
  let root: string;
  let server: ChartServer;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'capstan-differential-'));
    for (const c of cases) {
      await mkdir(join(root, `c${c.id}`));
      await writeFile(join(root, `c${c.id}`, 'index.yaml'), indexYaml(c.versions));
    }
    server = await startChartServer({ root });
  });
  after(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  for (const major of HELM_MAJORS) {
    it(`picks the chart version ${major.name} pulls in ${CASES} seeded cases`, { timeout: 180_000 }, async (t) => {
      const helm = await isolatedHelm(major);
      const [helmVersion = '', goVersion = ''] = (await helm(['version', '--template', '{{.Version}} {{.GoVersion}}'])).stdout.trim().split(' ');
      const options = resolveOptionsForHelm({ version: helmVersion, goVersion });
      const out = await mkdtemp(join(tmpdir(), 'capstan-differential-pull-'));
      const logStart = server.requests.length;
      const failures = new Map<number, string>();

      await inPool(cases, CONCURRENCY, async (c) => {
        const result = await helm(['pull', CHART, '--repo', `${server.url}/c${c.id}`, `--version=${c.constraint}`, '-d', out], { check: false, timeoutMs: 30_000 });
        if (result.exitCode !== 0) failures.set(c.id, result.stderr);
      });
      await rm(out, { recursive: true, force: true });

      const requested = new Map<number, string>();
      for (const r of server.requests.slice(logStart)) {
        const m = /^\/c(\d+)\/(v-\d+\.tgz)$/.exec(r.path);
        if (m) requested.set(Number(m[1]), m[2] ?? '');
      }
      const helmPick = (c: Case): string => {
        const url = requested.get(c.id);
        if (url !== undefined) return url;
        const stderr = failures.get(c.id) ?? '';
        // helm reports an invalid constraint and an unmatched one alike: "… not found in … repository".
        return /not found in .* repository/.test(stderr) ? 'none' : `helm failed: ${stderr.trim().split('\n').pop() ?? ''}`;
      };

      const disagreements: string[] = [];
      let picked = 0;
      let rulesDiffer = 0;
      for (const c of cases) {
        const theirs = helmPick(c);
        const ours = capstanPick(c, options);
        if (theirs !== 'none') picked++;
        if (capstanPick(c, { prereleases: 'comparison', goSort: 'go1.19' }) !== capstanPick(c, { prereleases: 'and-group', goSort: 'go1.24' })) rulesDiffer++;
        if (theirs !== ours) {
          disagreements.push(`c${c.id}: versions [${c.versions.map((v) => v.version).join(', ')}] constraint ${JSON.stringify(c.constraint)}: helm ${theirs}, capstan ${ours}`);
        }
      }
      const line = `differential: ${cases.length} cases, ${cases.length - disagreements.length} agree (helm ${helmVersion}, ${goVersion})`;
      console.log(line);
      t.diagnostic(line);
      t.diagnostic(`helm pulled a chart in ${picked} cases and none in ${cases.length - picked}; the rules of helm 3.17 and helm 4 differ in ${rulesDiffer}`);

      assert.ok(cases.length >= 200, 'at least 200 cases');
      assert.ok(picked >= cases.length * 0.4, `helm pulled a chart in only ${picked} cases: the cases no longer test much`);
      assert.ok(rulesDiffer > 0, 'some cases tell the rules of helm 3.17 and helm 4 apart');
      assert.equal(disagreements.length, 0, `capstan and helm ${helmVersion} disagree on ${disagreements.length} cases:\n${disagreements.join('\n')}`);
    });
  }
});
