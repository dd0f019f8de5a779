// The HelmRepository reconciler against real repositories on loopback and the real API server.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { load } from 'js-yaml';
import type { HelmRepository } from '../../../src/api/objects.ts';
import { startChartServer, type ChartServer } from '../../support/chart-server.ts';
import { useControllers } from '../../support/in-process-controller.ts';
import { kubectl, kubectlJson } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { FIXTURES_REPO } from '../../support/paths.ts';
import { makeServerTls, type TlsMaterial } from '../../support/pki.ts';
import { waitFor } from '../../support/wait.ts';

const repoYaml = (name: string, url: string, extra = '') =>
  `apiVersion: source.capstan.dev/v1\nkind: HelmRepository\nmetadata: {name: ${name}}\nspec:\n  url: "${url}"\n  interval: 10m\n${extra}`;

function condition(repo: HelmRepository, type: string) {
  return repo.status?.conditions?.find((c) => c.type === type);
}

describe('HelmRepository reconciler', () => {
  const namespace = useNamespace('hrepo');
  useControllers(namespace);
  let plain: ChartServer;
  let secure: ChartServer;
  let tls: TlsMaterial;
  let revision = '';
  /** Charts and versions in the fixture index. */
  let counts: number[] = [];
  const auth = { username: 'reader', password: 'pa55-word' };

  const get = (name: string) => kubectlJson<HelmRepository>(['get', 'hrepo', name, '-n', namespace.name]);
  const waitReady = (name: string, status: 'True' | 'False', extra: (r: HelmRepository) => boolean = () => true) =>
    waitFor(`${name} Ready=${status}`, async () => {
      const r = await get(name);
      return condition(r, 'Ready')?.status === status && extra(r) ? r : undefined;
    }, { timeoutMs: 30_000 });
  // The controller records an event just after the status write a test waits for.
  const waitEvent = (name: string, reason: string) => waitFor(`a ${reason} event about ${name}`, async () => {
    const reasons = await kubectl(['get', 'events.events.k8s.io', '-n', namespace.name, '--field-selector', `regarding.name=${name}`, '-o', 'jsonpath={.items[*].reason}']);
    return reasons.stdout.split(' ').includes(reason) ? true : undefined;
  }, { timeoutMs: 30_000 });

  before(async () => {
    tls = await makeServerTls();
    plain = await startChartServer();
    secure = await startChartServer({ tls, auth });
    const index = await readFile(join(FIXTURES_REPO, 'index.yaml'));
    revision = `sha256:${createHash('sha256').update(index).digest('hex')}`;
    const entries = Object.values((load(index.toString('utf8')) as { entries: Record<string, unknown[]> }).entries);
    counts = [entries.length, entries.reduce((n, versions) => n + versions.length, 0)];
  });
  after(async () => {
    await plain.close();
    await secure.close();
  });

  it('fetches the index and publishes its revision, chart and version counts', async () => {
    await kubectl(['apply', '-n', namespace.name, '-f', '-'], { input: repoYaml('plain', plain.url) });
    const repo = await waitReady('plain', 'True');
    const artifact = repo.status?.artifact;
    assert.ok(artifact);
    assert.deepEqual([artifact.revision, artifact.charts, artifact.versions], [revision, ...counts]);
    assert.equal(repo.status?.observedGeneration, repo.metadata.generation);
    await waitEvent('plain', 'NewArtifact');
  });

  it('answers a requested reconcile with a conditional request: 304, no download, same artifact', async () => {
    const before = await get('plain');
    const requests = plain.requests.length;
    await kubectl(['annotate', '--overwrite', '-n', namespace.name, 'hrepo/plain', 'reconcile.capstan.dev/requestedAt=first']);
    const repo = await waitReady('plain', 'True', (r) => r.status?.lastHandledReconcileAt === 'first');
    const fresh = plain.requests.slice(requests).filter((r) => r.path === '/index.yaml');
    assert.equal(fresh.length, 1);
    const [conditional] = fresh;
    assert.ok(conditional);
    assert.equal(conditional.status, 304);
    assert.ok(conditional.ifNoneMatch, 'the request carried the ETag');
    assert.deepEqual(repo.status?.artifact, before.status?.artifact);
  });

  it('fetches an HTTPS repository with basic auth and a custom CA from Secrets', async () => {
    await kubectl(['create', 'secret', 'generic', 'repo-auth', '-n', namespace.name, `--from-literal=username=${auth.username}`, `--from-literal=password=${auth.password}`]);
    await kubectl(['create', 'secret', 'generic', 'repo-ca', '-n', namespace.name, `--from-file=ca.crt=${tls.caFile}`]);
    await kubectl(['apply', '-n', namespace.name, '-f', '-'], { input: repoYaml('secure', secure.url, '  secretRef: {name: repo-auth}\n  certSecretRef: {name: repo-ca}\n') });
    const repo = await waitReady('secure', 'True');
    assert.equal(repo.status?.artifact?.revision, revision);
    assert.ok(secure.requests.some((r) => r.path === '/index.yaml' && r.authenticated && r.status === 200));
  });

  it('reports a missing credentials Secret as AuthenticationFailed, naming it, without fetching', async () => {
    const requests = secure.requests.length;
    await kubectl(['apply', '-n', namespace.name, '-f', '-'], { input: repoYaml('nosecret', secure.url, '  secretRef: {name: missing}\n') });
    const repo = await waitReady('nosecret', 'False');
    assert.equal(condition(repo, 'Ready')?.reason, 'AuthenticationFailed');
    assert.match(condition(repo, 'Ready')?.message ?? '', /Secret .*\/missing does not exist/);
    assert.equal(secure.requests.length, requests);
  });

  it('rejects wrong credentials with AuthenticationFailed and the HTTP status', async () => {
    await kubectl(['create', 'secret', 'generic', 'wrong-auth', '-n', namespace.name, '--from-literal=username=reader', '--from-literal=password=nope']);
    await kubectl(['apply', '-n', namespace.name, '-f', '-'], { input: repoYaml('wrongauth', secure.url, '  secretRef: {name: wrong-auth}\n  certSecretRef: {name: repo-ca}\n') });
    const repo = await waitReady('wrongauth', 'False');
    assert.equal(condition(repo, 'Ready')?.reason, 'AuthenticationFailed');
    assert.match(condition(repo, 'Ready')?.message ?? '', /401/);
    assert.doesNotMatch(JSON.stringify(repo.status), /nope/, 'the password is not in the status');
  });

  it('keeps serving the last good artifact when the repository goes away, saying why', async () => {
    await plain.close();
    await kubectl(['annotate', '--overwrite', '-n', namespace.name, 'hrepo/plain', 'reconcile.capstan.dev/requestedAt=second']);
    const repo = await waitReady('plain', 'False');
    assert.equal(condition(repo, 'Ready')?.reason, 'FetchFailed');
    assert.equal(condition(repo, 'FetchFailed')?.status, 'True');
    assert.match(condition(repo, 'Ready')?.message ?? '', /ECONNREFUSED|connect/i);
    assert.equal(repo.status?.artifact?.revision, revision, 'the last good artifact is kept');
    await waitEvent('plain', 'FetchFailed');
    const described = await kubectl(['describe', 'hrepo', 'plain', '-n', namespace.name]);
    assert.match(described.stdout, /Warning\s+FetchFailed/);
  });
});
