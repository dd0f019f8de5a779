// Fetching index.yaml from real loopback servers: the fixture repository over HTTP and HTTPS with
// basic auth, and scripted servers for every way a server can misbehave.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { FetchError } from '../../../src/source/errors.ts';
import { IndexCache } from '../../../src/source/index-cache.ts';
import { fetchIndex } from '../../../src/source/index-fetch.ts';
import { parseIndex } from '../../../src/source/index-parse.ts';
import { refreshIndex } from '../../../src/source/index-refresh.ts';
import { startChartServer, useHttpsChartServer, type ChartServer } from '../../support/chart-server.ts';
import { FIXTURES_REPO } from '../../support/paths.ts';
import { makeClientTls } from '../../support/pki.ts';
import { body, hang, redirect, startScriptedServer, status, stream, trickle, truncated, type ScriptedServer } from '../../support/scripted-server.ts';
import { rejectsWithReason } from '../../support/reason.ts';
import { waitFor } from '../../support/wait.ts';

const auth = { username: 'capstan', password: 'fixture-password' };
const timeoutMs = 5_000;


async function tempCache(): Promise<IndexCache> {
  return new IndexCache({ dir: await mkdtemp(join(tmpdir(), 'capstan-index-cache-')) });
}

describe('fetching a repository index', () => {
  let fixtureIndex: Buffer;
  let plain: ChartServer;
  before(async () => {
    fixtureIndex = await readFile(join(FIXTURES_REPO, 'index.yaml'));
    plain = await startChartServer();
  });
  after(async () => { await plain.close(); });

  it('downloads index.yaml over HTTP with its revision being the sha256 of the bytes', async () => {
    const result = await fetchIndex({ url: plain.url, timeoutMs });
    assert.equal(result.unchanged, false);
    assert.deepEqual(result.bytes, fixtureIndex);
    assert.equal(result.revision, `sha256:${createHash('sha256').update(fixtureIndex).digest('hex')}`);
    assert.ok(result.etag);
    assert.ok(result.lastModified);
  });

  it('answers unchanged on a 304 when given the previous ETag, without a body', async () => {
    const first = await fetchIndex({ url: plain.url, timeoutMs });
    const second = await fetchIndex({ url: `${plain.url}/`, timeoutMs, previous: { etag: first.etag } });
    assert.equal(second.unchanged, true);
    assert.equal(second.etag, first.etag);
    const last = plain.requests.at(-1);
    assert.equal(last?.status, 304);
    assert.equal(last.ifNoneMatch, first.etag);
  });

  it('answers unchanged on a 304 when only Last-Modified is known', async () => {
    const first = await fetchIndex({ url: plain.url, timeoutMs });
    const second = await fetchIndex({ url: plain.url, timeoutMs, previous: { lastModified: first.lastModified } });
    assert.equal(second.unchanged, true);
    assert.equal(plain.requests.at(-1)?.ifModifiedSince, first.lastModified);
  });

  it('decodes a gzip-encoded index and hashes the decoded bytes', async () => {
    const server = await startScriptedServer();
    try {
      server.route('/index.yaml', body(fixtureIndex, { gzip: true }));
      const result = await fetchIndex({ url: server.url, timeoutMs });
      assert.equal(result.unchanged, false);
      assert.deepEqual(result.bytes, fixtureIndex);
      assert.equal(server.exchanges[0]?.headers['accept-encoding'], 'gzip');
    } finally {
      await server.close();
    }
  });

  it('refuses a URL that is not http(s)', async () => {
    await rejectsWithReason(fetchIndex({ url: 'ftp://example.invalid/charts', timeoutMs }), 'URLInvalid');
    await rejectsWithReason(fetchIndex({ url: 'not a url', timeoutMs }), 'URLInvalid');
  });
});

describe('refreshing a repository index into the cache', () => {
  let server: ChartServer;
  before(async () => { server = await startChartServer(); });
  after(async () => { await server.close(); });

  it('parses a changed index once, then neither downloads nor parses it again while the server answers 304', async () => {
    const cache = await tempCache();
    let parses = 0;
    const parse = (bytes: Buffer) => {
      parses++;
      return parseIndex(bytes);
    };
    const first = await refreshIndex({ url: server.url, timeoutMs, cache, parse });
    assert.equal(first.changed, true);
    assert.equal(parses, 1);
    assert.ok(first.entry.index.charts.get('app')?.some((v) => v.version === '2.1.0'));
    const before304 = server.requests.length;
    const second = await refreshIndex({ url: server.url, timeoutMs, cache, parse });
    assert.equal(second.changed, false);
    assert.equal(parses, 1, 'an unchanged index is not parsed');
    assert.equal(second.entry.revision, first.entry.revision);
    assert.deepEqual(server.requests.slice(before304).map((r) => r.status), [304]);
  });

  it('after a restart, asks conditionally with the validators persisted in the cache directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'capstan-index-cache-'));
    await refreshIndex({ url: server.url, timeoutMs, cache: new IndexCache({ dir }) });
    const restarted = new IndexCache({ dir });
    const again = await refreshIndex({ url: server.url, timeoutMs, cache: restarted });
    assert.equal(again.changed, false);
    assert.equal(server.requests.at(-1)?.status, 304);
  });
});

describe('fetching over HTTPS', () => {
  const repo = useHttpsChartServer(auth);

  it('downloads the index with basic auth, trusting the repository\'s CA', async () => {
    const result = await fetchIndex({ url: repo.server.url, timeoutMs, tls: { ca: repo.tls.ca }, credentials: auth });
    assert.equal(result.unchanged, false);
    assert.equal(repo.server.requests.at(-1)?.authenticated, true);
  });

  it('fails with AuthenticationFailed when the server wants credentials and none are given', async () => {
    const err = await rejectsWithReason(fetchIndex({ url: repo.server.url, timeoutMs, tls: { ca: repo.tls.ca } }), 'AuthenticationFailed');
    assert.match(err.message, /401.*secretRef/);
  });

  it('fails with AuthenticationFailed when the credentials are wrong', async () => {
    const err = await rejectsWithReason(fetchIndex({ url: repo.server.url, timeoutMs, tls: { ca: repo.tls.ca }, credentials: { ...auth, password: 'wrong' } }), 'AuthenticationFailed');
    assert.match(err.message, /refused/);
  });

  it('fails with FetchFailed and a CA hint when the server certificate is not trusted', async () => {
    const err = await rejectsWithReason(fetchIndex({ url: repo.server.url, timeoutMs, credentials: auth }), 'FetchFailed');
    assert.match(err.message, /certSecretRef/);
  });

  it('presents a client certificate to a server that demands one', async () => {
    const mtls = await startChartServer({ tls: repo.tls, clientCa: repo.tls.ca });
    try {
      await rejectsWithReason(fetchIndex({ url: mtls.url, timeoutMs, tls: { ca: repo.tls.ca } }), 'FetchFailed');
      const client = await makeClientTls(repo.tls);
      const result = await fetchIndex({ url: mtls.url, timeoutMs, tls: { ca: repo.tls.ca, ...client } });
      assert.equal(result.unchanged, false);
    } finally {
      await mtls.close();
    }
  });
});

describe('a misbehaving repository server', () => {
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

  for (const code of [403, 404, 500]) {
    it(`answering ${code} fails the fetch with ${code === 403 ? 'AuthenticationFailed' : 'FetchFailed'} and the status`, async () => {
      server.route(`/s${code}/index.yaml`, status(code));
      const err = await rejectsWithReason(fetchIndex({ url: `${server.url}/s${code}`, timeoutMs }), code === 403 ? 'AuthenticationFailed' : 'FetchFailed');
      assert.ok(err instanceof FetchError);
      assert.equal(err.status, code);
      assert.match(err.message, new RegExp(`answered ${code}`));
    });
  }

  it('that never answers is cut off at the timeout', async () => {
    server.route('/hang/index.yaml', hang());
    const started = Date.now();
    const err = await rejectsWithReason(fetchIndex({ url: `${server.url}/hang`, timeoutMs: 300 }), 'FetchFailed');
    assert.ok(err instanceof FetchError);
    assert.equal(err.timedOut, true);
    assert.ok(Date.now() - started < 3_000);
  });

  it('that trickles a byte at a time is cut off at the timeout, however steadily it sends', async () => {
    server.route('/trickle/index.yaml', trickle(20));
    const started = Date.now();
    const err = await rejectsWithReason(fetchIndex({ url: `${server.url}/trickle`, timeoutMs: 500 }), 'FetchFailed');
    assert.match(err.message, /did not complete within 0.5s/);
    assert.ok(Date.now() - started < 3_000);
    const exchange = server.exchanges.findLast((e) => e.path === '/trickle/index.yaml');
    await waitFor('the trickling answer to be hung up on', () => Promise.resolve(exchange?.closed === true ? true : undefined), { timeoutMs: 5_000, intervalMs: 20 });
    assert.ok((exchange?.bytesSent ?? 0) > 5, 'the server did trickle');
  });

  it('that redirects in a loop is given up on after 5 redirects', async () => {
    server.route('/loop/index.yaml', redirect('/loop/index.yaml'));
    const before = server.exchanges.length;
    const err = await rejectsWithReason(fetchIndex({ url: `${server.url}/loop`, timeoutMs }), 'FetchFailed');
    assert.match(err.message, /redirected more than 5 times/);
    assert.equal(server.exchanges.length - before, 6);
  });

  it('that redirects to another host does not get the credentials forwarded', async () => {
    other.route('/moved/index.yaml', body('apiVersion: v1\nentries: {}\n'));
    server.route('/away/index.yaml', redirect(`${other.url}/moved/index.yaml`));
    const result = await fetchIndex({ url: `${server.url}/away`, timeoutMs, credentials: auth });
    assert.equal(result.unchanged, false);
    assert.ok(server.exchanges.findLast((e) => e.path === '/away/index.yaml')?.headers.authorization, 'the repository host got them');
    assert.equal(other.exchanges.at(-1)?.headers.authorization, undefined);
  });

  it('that redirects to another host gets the credentials with passCredentials', async () => {
    const result = await fetchIndex({ url: `${server.url}/away`, timeoutMs, credentials: auth, passCredentials: true });
    assert.equal(result.unchanged, false);
    assert.match(other.exchanges.at(-1)?.headers.authorization ?? '', /^Basic /);
  });

  it('that redirects within its own origin keeps the credentials', async () => {
    server.route('/new/index.yaml', (req, res, exchange) => {
      const handler = req.headers.authorization ? body('apiVersion: v1\nentries: {}\n') : status(401);
      handler(req, res, exchange);
    });
    server.route('/old/index.yaml', redirect('/new/index.yaml', 301));
    const result = await fetchIndex({ url: `${server.url}/old`, timeoutMs, credentials: auth });
    assert.equal(result.unchanged, false);
  });

  it('sending an index over the limit is cut off early, and the server sees the connection closed before it sent everything', async () => {
    const total = 256 * 1024 * 1024;
    server.route('/huge/index.yaml', stream(total));
    const rssBefore = process.memoryUsage().rss;
    const err = await rejectsWithReason(fetchIndex({ url: `${server.url}/huge`, timeoutMs, maxBytes: 1024 * 1024 }), 'SizeLimitExceeded');
    assert.match(err.message, /larger than the limit of 1 MiB/);
    const exchange = server.exchanges.findLast((e) => e.path === '/huge/index.yaml');
    await waitFor('the server to see the connection closed', () => Promise.resolve(exchange?.closed === true ? true : undefined), { timeoutMs: 5_000, intervalMs: 20 });
    assert.equal(exchange?.completed, false, 'the server could not finish its answer');
    assert.ok(exchange.bytesSent < 64 * 1024 * 1024, `the server sent ${exchange.bytesSent} bytes before the hang-up`);
    assert.ok(process.memoryUsage().rss - rssBefore < 128 * 1024 * 1024, 'memory stayed bounded');
  });

  it('announcing a Content-Length over the limit is refused before the body is read', async () => {
    server.route('/announced/index.yaml', stream(8 * 1024 * 1024, { announce: true }));
    await rejectsWithReason(fetchIndex({ url: `${server.url}/announced`, timeoutMs, maxBytes: 1024 * 1024 }), 'SizeLimitExceeded');
  });

  it('sending a small gzip body that inflates past the limit is cut off (a gzip bomb)', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    server.route('/bomb/index.yaml', (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': bomb.length }).end(bomb);
    });
    await rejectsWithReason(fetchIndex({ url: `${server.url}/bomb`, timeoutMs, maxBytes: 1024 * 1024 }), 'SizeLimitExceeded');
  });

  it('dropping the connection before the announced length fails the fetch', async () => {
    server.route('/cut/index.yaml', truncated('apiVersion: v1\nentries:\n  a: []\n'.repeat(100), 100));
    const err = await rejectsWithReason(fetchIndex({ url: `${server.url}/cut`, timeoutMs }), 'FetchFailed');
    assert.match(err.message, /broke off after 100 bytes/);
  });
});

describe('a bad index keeps the last good one in the cache', () => {
  let server: ScriptedServer;
  let fixtureIndex: Buffer;
  before(async () => {
    server = await startScriptedServer();
    fixtureIndex = await readFile(join(FIXTURES_REPO, 'index.yaml'));
  });
  after(async () => { await server.close(); });

  const aliasBomb = [
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ...'bcdefghi'.split('').map((l, i) => `${l}: &${l} [${Array(9).fill(`*${'abcdefghi'[i] ?? ''}`).join(',')}]`),
    'apiVersion: v1',
    'entries:',
    '  bomb:',
    '  - name: bomb',
    '    version: 1.0.0',
    '    urls: *i',
    '',
  ].join('\n');

  const cases: [string, string | Buffer, RegExp, number?][] = [
    ['garbage bytes', Buffer.from([0x00, 0xff, 0x13, 0x37, 0x42, 0x00, 0x9c]), /not valid YAML/],
    ['an HTML error page served with 200', '<!DOCTYPE html>\n<html><body><h1>Please log in</h1></body></html>\n', /HTML page/],
    ['a truncated file', '', /not valid YAML/, 0.6],
    ['invalid YAML', 'apiVersion: v1\nentries:\n  app:\n  - name: app\n     version: 1.0.0\n', /not valid YAML.*line/],
    ['a YAML alias bomb', aliasBomb, /alias bomb/],
    ['a YAML document that is not an index', 'just: a mapping\n', /no apiVersion/],
  ];
  for (const [name, content, message, cut] of cases) {
    it(`${name} fails with IndexationFailed and the cached index is still served`, async () => {
      const cache = await tempCache();
      const url = `${server.url}/${name.replace(/\W+/g, '-')}`;
      server.route(`${new URL(url).pathname}/index.yaml`, body(fixtureIndex));
      const good = await refreshIndex({ url, timeoutMs, cache });
      // A truncated file: the fixture cut in the middle of a quoted `created` timestamp.
      const bad = cut === undefined ? content : fixtureIndex.subarray(0, fixtureIndex.indexOf('"', Math.floor(fixtureIndex.length * cut)) + 8);
      server.route(`${new URL(url).pathname}/index.yaml`, body(bad));
      const err = await rejectsWithReason(refreshIndex({ url, timeoutMs, cache }), 'IndexationFailed');
      assert.match(err.message, message);
      const kept = await cache.get(url);
      assert.equal(kept?.revision, good.entry.revision);
      assert.ok(kept.index.charts.has('app'));
    });
  }

  it('a failed fetch (500) keeps the cached index too', async () => {
    const cache = await tempCache();
    server.route('/flaky/index.yaml', body(fixtureIndex));
    const good = await refreshIndex({ url: `${server.url}/flaky`, timeoutMs, cache });
    server.route('/flaky/index.yaml', status(500));
    await rejectsWithReason(refreshIndex({ url: `${server.url}/flaky`, timeoutMs, cache }), 'FetchFailed');
    assert.equal((await cache.get(`${server.url}/flaky`))?.revision, good.entry.revision);
  });
});
