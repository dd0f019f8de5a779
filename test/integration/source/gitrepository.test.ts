// The GitRepository reconciler against a Git smart-HTTP server on loopback and the real API server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GitRepository } from '../../../src/api/objects.ts';
import { createRepository, startGitServer, type GitServer, type TestRepository } from '../../support/git-server.ts';
import { condition, gitRepositorySuite, gitRepoYaml } from '../../support/gitrepository.ts';
import { useControllers } from '../../support/in-process-controller.ts';
import { kubectl } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { makeServerTls, type TlsMaterial } from '../../support/pki.ts';
import { run } from '../../support/run.ts';
import { waitFor } from '../../support/wait.ts';

const FILES = {
  'deploy/app.yaml': 'kind: ConfigMap\n',
  'deploy/nested/more.yml': 'kind: Secret\n',
  'README.md': '# app\n',
  '.gitignore': 'tmp/\n',
  '.github/workflows/ci.yml': 'on: push\n',
  'docs/logo.png': 'not really a png',
  'scratch/notes.txt': 'left out by spec.ignore\n',
};
const KEPT = ['README.md', 'deploy/app.yaml', 'deploy/nested/more.yml'];

describe('GitRepository reconciler', () => {
  const namespace = useNamespace('gitrepo');
  const running = useControllers(namespace);
  const auth = { username: 'reader', password: 'pa55-w0rd-git' };
  let plain: GitServer;
  let secure: GitServer;
  let doomed: GitServer;
  let tls: TlsMaterial;
  let app: TestRepository;
  let head = '';

  const { apply, get, waitReady, request, waitEvent } = gitRepositorySuite(namespace);
  const filesOf = async (repo: GitRepository) => {
    const digest = repo.status?.artifact?.digest;
    assert.ok(digest, 'the artifact has a digest');
    const listing = await run('tar', ['-tzf', running.controllers.gitArtifacts.path(digest)]);
    return listing.stdout.split('\n').filter((f) => f !== '' && !f.endsWith('/')).sort();
  };

  before(async () => {
    tls = await makeServerTls();
    plain = await startGitServer();
    secure = await startGitServer({ tls, auth });
    doomed = await startGitServer();
    app = await createRepository(plain, 'app');
    head = await app.commit(FILES);
  });
  after(async () => {
    await Promise.all([plain.close(), secure.close(), doomed.close()]);
  });

  it('follows a branch: Ready with main@sha1:<commit> and an artifact of the tree minus ignored paths', async () => {
    await apply(gitRepoYaml('app', `${plain.url}${app.path}`, '  ref: {branch: main}\n  ignore: |\n    /scratch/\n'));
    const repo = await waitReady('app', 'True');
    const artifact = repo.status?.artifact;
    assert.equal(artifact?.revision, `main@sha1:${head}`);
    assert.match(artifact.digest ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.ok((artifact.size ?? 0) > 0);
    assert.equal(condition(repo, 'Ready')?.reason, 'GitOperationSucceeded');
    assert.deepEqual(await filesOf(repo), KEPT);
    await waitEvent('app', 'Normal', 'NewArtifact');
  });

  it('stores a new artifact for a pushed commit', async () => {
    const previous = (await get('app')).status?.artifact?.digest;
    assert.ok(previous);
    const next = await app.commit({ 'deploy/added.yaml': 'kind: Service\n', 'README.md': null });
    await request('app', 'after-push');
    const repo = await waitReady('app', 'True', (r) => r.status?.artifact?.revision === `main@sha1:${next}`);
    assert.equal(repo.status?.lastHandledReconcileAt, 'after-push');
    assert.deepEqual(await filesOf(repo), ['deploy/added.yaml', 'deploy/app.yaml', 'deploy/nested/more.yml']);
    // Removed just after the status write and the event.
    await waitFor('the replaced artifact to be removed', async () => (await running.controllers.gitArtifacts.has(previous) ? undefined : true), { timeoutMs: 10_000 });
  });

  it('polls an unchanged ref with one ls-remote request and writes nothing', async () => {
    const polled = await createRepository(plain, 'polled');
    const commit = await polled.commit({ 'a.yaml': 'a: 1\n' });
    await apply(gitRepoYaml('polled', `${plain.url}${polled.path}`, '  ref: {branch: main}\n', '1s'));
    const ready = await waitReady('polled', 'True', (r) => r.status?.artifact?.revision === `main@sha1:${commit}`);
    const ofPolled = () => plain.requests.filter((r) => r.path.startsWith(polled.path));
    const seen = ofPolled().length;
    await waitFor('three polls', () => (ofPolled().length >= seen + 3 ? true : undefined), { timeoutMs: 30_000 });
    const polls = ofPolled().slice(seen);
    assert.deepEqual(new Set(polls.map((r) => `${r.method} ${r.path}`)), new Set([`GET ${polled.path}/info/refs?service=git-upload-pack`]));
    const after = await get('polled');
    assert.equal(after.metadata.resourceVersion, ready.metadata.resourceVersion, 'no status write');
    await kubectl(['delete', 'gitrepo', 'polled', '-n', namespace.name, '--wait=false']);
  });

  it('checks out a tag, and the highest tag matching a semver range', async () => {
    const tagged = await createRepository(plain, 'tagged');
    const v1 = await tagged.commit({ 'v.yaml': 'v: 1.0.0\n' });
    await tagged.tag('v1.0.0');
    const v11 = await tagged.commit({ 'v.yaml': 'v: 1.1.0\n' });
    await tagged.tag('v1.1.0', 'annotated release');
    await tagged.commit({ 'v.yaml': 'v: 2.0.0\n' });
    await tagged.tag('v2.0.0');
    const url = `${plain.url}${tagged.path}`;
    await apply(`${gitRepoYaml('by-tag', url, '  ref: {tag: v1.0.0}\n')}---\n${gitRepoYaml('by-semver', url, '  ref: {semver: "~1"}\n')}`);
    const byTag = await waitReady('by-tag', 'True');
    assert.equal(byTag.status?.artifact?.revision, `v1.0.0@sha1:${v1}`);
    const bySemver = await waitReady('by-semver', 'True');
    assert.equal(bySemver.status?.artifact?.revision, `v1.1.0@sha1:${v11}`, 'the annotated tag is peeled to its commit');
  });

  it('checks out a full reference name', async () => {
    const named = await createRepository(plain, 'named');
    await named.commit({ 'v.yaml': 'on: main\n' });
    const feature = await named.commit({ 'v.yaml': 'on: feature\n' }, 'feature');
    await apply(gitRepoYaml('by-name', `${plain.url}${named.path}`, '  ref: {name: refs/heads/feature}\n'));
    const byName = await waitReady('by-name', 'True');
    assert.equal(byName.status?.artifact?.revision, `refs/heads/feature@sha1:${feature}`);
  });

  it('fetches over HTTPS with basic auth and a private CA from a Secret', async () => {
    const repo = await createRepository(secure, 'private');
    const commit = await repo.commit({ 'app.yaml': 'private: true\n' });
    await kubectl(['create', 'secret', 'generic', 'git-auth', '-n', namespace.name,
      `--from-literal=username=${auth.username}`, `--from-literal=password=${auth.password}`, `--from-file=caFile=${tls.caFile}`]);
    await apply(gitRepoYaml('private', `${secure.url}${repo.path}`, '  ref: {branch: main}\n  secretRef: {name: git-auth}\n'));
    const ready = await waitReady('private', 'True');
    assert.equal(ready.status?.artifact?.revision, `main@sha1:${commit}`);
    assert.ok(secure.requests.every((r) => r.status !== 401), 'every request carried the credentials');
  });

  it('reports a wrong password as AuthenticationFailed without the password', async () => {
    const wrong = 'n0t-the-pa55word';
    await kubectl(['create', 'secret', 'generic', 'git-wrong', '-n', namespace.name,
      `--from-literal=username=${auth.username}`, `--from-literal=password=${wrong}`, `--from-file=caFile=${tls.caFile}`]);
    await apply(gitRepoYaml('wrongauth', `${secure.url}/private.git`, '  ref: {branch: main}\n  secretRef: {name: git-wrong}\n'));
    const repo = await waitReady('wrongauth', 'False');
    assert.equal(condition(repo, 'Ready')?.reason, 'AuthenticationFailed');
    assert.match(condition(repo, 'Ready')?.message ?? '', /secretRef/);
    const status = JSON.stringify(repo.status);
    for (const secret of [wrong, Buffer.from(`${auth.username}:${wrong}`).toString('base64')]) assert.ok(!status.includes(secret), 'no credentials in the status');
    await waitEvent('wrongauth', 'Warning', 'AuthenticationFailed');
    const described = await kubectl(['describe', 'gitrepo', 'wrongauth', '-n', namespace.name]);
    assert.match(described.stdout, /Warning\s+AuthenticationFailed/);
  });

  it('names a branch that does not exist', async () => {
    await apply(gitRepoYaml('noref', `${plain.url}${app.path}`, '  ref: {branch: no-such-branch}\n'));
    const repo = await waitReady('noref', 'False');
    assert.equal(condition(repo, 'Ready')?.reason, 'RefNotFound');
    assert.match(condition(repo, 'Ready')?.message ?? '', /branch "no-such-branch" does not exist in .*app\.git: check spec\.ref\.branch/);
    assert.equal(repo.status?.artifact, undefined);
    await waitEvent('noref', 'Warning', 'RefNotFound');
  });

  it('keeps the last good artifact when the server goes away, saying FetchFailed', async () => {
    const gone = await createRepository(doomed, 'gone');
    const commit = await gone.commit({ 'a.yaml': 'a: 1\n' });
    await apply(gitRepoYaml('gone', `${doomed.url}${gone.path}`, '  ref: {branch: main}\n'));
    const ready = await waitReady('gone', 'True');
    await doomed.close();
    await request('gone', 'after-close');
    const repo = await waitReady('gone', 'False');
    assert.equal(condition(repo, 'Ready')?.reason, 'FetchFailed');
    assert.equal(condition(repo, 'FetchFailed')?.status, 'True');
    assert.match(condition(repo, 'Ready')?.message ?? '', /cannot reach http:\/\/127\.0\.0\.1:\d+\/gone\.git \(.*connect.*\): check the host and port in spec\.url/i);
    assert.deepEqual(repo.status?.artifact, ready.status?.artifact, 'the last good artifact is kept');
    await waitEvent('gone', 'Warning', 'FetchFailed');
    assert.equal(repo.status?.artifact?.revision, `main@sha1:${commit}`);
  });
});
