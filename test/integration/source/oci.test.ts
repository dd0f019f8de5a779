// OCI repositories against the real registry (anonymous, and with basic auth via htpasswd), a
// loopback token service for bearer auth, and `helm pull` of both helm majors.
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ChartCache } from '../../../src/source/chart-cache.ts';
import { pullOciChart } from '../../../src/source/oci-pull.ts';
import { listOciTags } from '../../../src/source/oci-tags.ts';
import { pushFixtures, REGISTRY_USER, startOciRegistry, type OciRegistry } from '../../support/oci-registry.ts';
import { FIXTURES_REPO, HELM_MAJORS } from '../../support/paths.ts';
import { rejectsWithReason } from '../../support/reason.ts';
import { body, startScriptedServer, status, type ScriptedServer } from '../../support/scripted-server.ts';

const timeoutMs = 30_000;
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';


/** Tags an existing manifest again through the distribution API, as `oras tag` would. */
async function retag(registry: OciRegistry, repository: string, from: string, to: string): Promise<void> {
  const headers: Record<string, string> = registry.auth
    ? { authorization: `Basic ${Buffer.from(`${registry.auth.username}:${registry.auth.password}`).toString('base64')}` }
    : {};
  const manifest = await fetch(`http://${registry.host}/v2/${repository}/manifests/${from}`, { headers: { ...headers, accept: MANIFEST } });
  assert.equal(manifest.status, 200);
  const put = await fetch(`http://${registry.host}/v2/${repository}/manifests/${to}`, { method: 'PUT', headers: { ...headers, 'content-type': MANIFEST }, body: await manifest.arrayBuffer() });
  assert.equal(put.status, 201, await put.text());
}

describe('an anonymous OCI registry', () => {
  let registry: OciRegistry;
  before(async () => {
    registry = await startOciRegistry();
    await pushFixtures(registry);
    for (const tag of ['latest', '1.0.0_build.7', 'v3.0.0', 'sha256-0123.sig']) await retag(registry, 'charts/app', '1.0.0', tag);
  });
  after(async () => { await registry.close(); });

  it('lists a chart\'s versions from its tags, ignoring tags that are not semver and reading _ as +', async () => {
    const { versions, ignored } = await listOciTags({ url: `oci://${registry.host}/charts`, chart: 'app', insecure: true, timeoutMs });
    assert.deepEqual(versions.map((v) => v.version).sort(), ['1.0.0', '1.0.0+build.7', '1.1.0', '1.2.0-rc.1', '2.0.0', '2.1.0']);
    assert.deepEqual(ignored.sort(), ['latest', 'sha256-0123.sig', 'v3.0.0']);
    assert.deepEqual(versions.find((v) => v.version === '1.0.0+build.7')?.urls, [`oci://${registry.host}/charts/app:1.0.0_build.7`]);
  });

  it('fails with FetchFailed and a 404 for a chart the registry does not have', async () => {
    const err = await rejectsWithReason(listOciTags({ url: `oci://${registry.host}/charts`, chart: 'nope', insecure: true, timeoutMs }), 'FetchFailed');
    assert.match(err.message, /404/);
  });

  for (const major of HELM_MAJORS) {
    it(`pulls a version with ${major.name} into the chart cache, recording the manifest digest`, async () => {
      const cache = new ChartCache({ dir: await mkdtemp(join(tmpdir(), 'capstan-charts-')) });
      const pulled = await pullOciChart({ helmBinary: major.binary, url: `oci://${registry.host}/charts`, chart: 'app', version: '2.1.0', insecure: true, timeoutMs, cache });
      assert.deepEqual(await readFile(pulled.path), await readFile(join(FIXTURES_REPO, 'app-2.1.0.tgz')));
      assert.match(pulled.digest, /^sha256:[0-9a-f]{64}$/);
      assert.match(pulled.manifestDigest ?? '', /^sha256:[0-9a-f]{64}$/);
    });
  }

  it('fails with ChartPullFailed for a version the registry does not have', async () => {
    const cache = new ChartCache({ dir: await mkdtemp(join(tmpdir(), 'capstan-charts-')) });
    await rejectsWithReason(pullOciChart({ helmBinary: HELM_MAJORS[0].binary, url: `oci://${registry.host}/charts`, chart: 'app', version: '9.9.9', insecure: true, timeoutMs, cache }), 'ChartPullFailed');
  });
});

describe('an OCI registry with basic auth', () => {
  let registry: OciRegistry;
  const credentials = { username: REGISTRY_USER.username, password: REGISTRY_USER.password };
  before(async () => {
    registry = await startOciRegistry({ user: REGISTRY_USER });
    await pushFixtures(registry);
  });
  after(async () => { await registry.close(); });

  it('lists tags with the credentials', async () => {
    const { versions } = await listOciTags({ url: `oci://${registry.host}/charts`, chart: 'app', insecure: true, timeoutMs, credentials });
    assert.equal(versions.length, 5);
  });

  it('fails with AuthenticationFailed without credentials', async () => {
    const err = await rejectsWithReason(listOciTags({ url: `oci://${registry.host}/charts`, chart: 'app', insecure: true, timeoutMs }), 'AuthenticationFailed');
    assert.match(err.message, /secretRef/);
  });

  it('fails with AuthenticationFailed with a wrong password', async () => {
    await rejectsWithReason(listOciTags({ url: `oci://${registry.host}/charts`, chart: 'app', insecure: true, timeoutMs, credentials: { ...credentials, password: 'wrong' } }), 'AuthenticationFailed');
  });

  for (const major of HELM_MAJORS) {
    it(`pulls with ${major.name} using a temporary registry config`, async () => {
      const cache = new ChartCache({ dir: await mkdtemp(join(tmpdir(), 'capstan-charts-')) });
      const pulled = await pullOciChart({ helmBinary: major.binary, url: `oci://${registry.host}/charts`, chart: 'app', version: '1.0.0', insecure: true, timeoutMs, cache, credentials });
      assert.deepEqual(await readFile(pulled.path), await readFile(join(FIXTURES_REPO, 'app-1.0.0.tgz')));
    });
  }

  it('fails a pull with a wrong password as AuthenticationFailed', async () => {
    const cache = new ChartCache({ dir: await mkdtemp(join(tmpdir(), 'capstan-charts-')) });
    await rejectsWithReason(pullOciChart({ helmBinary: HELM_MAJORS[0].binary, url: `oci://${registry.host}/charts`, chart: 'app', version: '1.0.0', insecure: true, timeoutMs, cache, credentials: { ...credentials, password: 'wrong' } }), 'AuthenticationFailed');
  });
});

describe('an OCI registry with bearer-token auth', () => {
  // A registry front and its token service on loopback, speaking the distribution token protocol:
  // 401 with a Bearer challenge, a token for basic credentials at the realm, then the tags.
  let registry: ScriptedServer;
  let tokens: ScriptedServer;
  const credentials = { username: 'robot', password: 'robot-secret' };
  before(async () => {
    registry = await startScriptedServer();
    tokens = await startScriptedServer({ hostname: 'localhost' });
    const expected = `Basic ${Buffer.from('robot:robot-secret').toString('base64')}`;
    tokens.route('/token', (req, res, exchange) => {
      const handler = req.headers.authorization === expected ? body(JSON.stringify({ token: 'tok-123' })) : status(401);
      handler(req, res, exchange);
    });
    registry.route('/v2/charts/app/tags/list', (req, res, exchange) => {
      const url = new URL(req.url ?? '/', registry.url);
      const handler = req.headers.authorization !== 'Bearer tok-123'
        ? status(401, { 'www-authenticate': `Bearer realm="${tokens.url}/token",service="capstan-test",scope="repository:charts/app:pull"` })
        : url.searchParams.get('last') === null
          ? body(JSON.stringify({ name: 'charts/app', tags: ['1.0.0', 'latest'] }), { headers: { link: '</v2/charts/app/tags/list?last=latest&n=2>; rel="next"' } })
          : body(JSON.stringify({ name: 'charts/app', tags: ['2.0.0'] }));
      handler(req, res, exchange);
    });
  });
  after(async () => {
    await registry.close();
    await tokens.close();
  });

  it('gets a token from the challenge\'s realm with the credentials and lists every page of tags', async () => {
    const { versions } = await listOciTags({ url: `oci://${new URL(registry.url).host}/charts`, chart: 'app', insecure: true, timeoutMs, credentials });
    assert.deepEqual(versions.map((v) => v.version), ['1.0.0', '2.0.0']);
    const tokenRequest = new URL(tokens.exchanges.at(-1)?.path ?? '', tokens.url);
    assert.equal(tokenRequest.pathname, '/token');
    assert.equal(registry.exchanges.filter((e) => e.headers.authorization?.startsWith('Basic') === true).length, 0, 'the registry never saw the password');
  });

  it('fails with AuthenticationFailed when the token service refuses the credentials', async () => {
    await rejectsWithReason(listOciTags({ url: `oci://${new URL(registry.url).host}/charts`, chart: 'app', insecure: true, timeoutMs, credentials: { ...credentials, password: 'wrong' } }), 'AuthenticationFailed');
  });
});
