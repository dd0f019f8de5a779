// The GitRepository reconciler over SSH: Debian's sshd on loopback serving the repositories of a
// Git server, a private key and known_hosts from a Secret, host keys always verified.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { GitRepository } from '../../../src/api/objects.ts';
import { createRepository, startGitServer, type GitServer, type TestRepository } from '../../support/git-server.ts';
import { condition, gitRepositorySuite, gitRepoYaml } from '../../support/gitrepository.ts';
import { useControllers } from '../../support/in-process-controller.ts';
import { kubectl } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { testLogStream } from '../../support/test-logs.ts';
import { knownHostsLine, sshKeyPair, startSshGitServer, type SshGitServer, type SshKeyPair } from '../../support/ssh-git-server.ts';
import { waitFor } from '../../support/wait.ts';

describe('GitRepository over SSH', () => {
  const namespace = useNamespace('gitrepo-ssh');
  useControllers(namespace);
  const { apply, get, waitReady, request, waitEvent, secret } = gitRepositorySuite(namespace);
  let git: GitServer;
  let ssh: SshGitServer;
  let stranger: SshKeyPair;
  let app: TestRepository;
  let head = '';

  /** A GitRepository of `repo` over SSH with the Secret `secretName`, Ready at `commit`. */
  const readyOverSsh = async (name: string, repo: TestRepository, secretName: string, commit: string, spec = '  ref: {branch: main}\n') => {
    await secret(secretName, { identity: ssh.client.privateKey, known_hosts: ssh.knownHosts });
    await apply(gitRepoYaml(name, `${ssh.url}${repo.path}`, `${spec}  secretRef: {name: ${secretName}}\n`));
    return waitReady(name, 'True', (r) => r.status?.artifact?.revision.endsWith(`@sha1:${commit}`) === true);
  };

  /** Ready=False with `reason`, the last good artifact kept, and a Warning event saying the same. */
  const failsKeepingArtifact = async (name: string, good: GitRepository, reason: string, message: RegExp) => {
    const repo = await waitReady(name, 'False', (r) => condition(r, 'Ready')?.reason === reason);
    assert.match(condition(repo, 'Ready')?.message ?? '', message);
    assert.equal(condition(repo, 'FetchFailed')?.status, 'True');
    assert.deepEqual(repo.status?.artifact, good.status?.artifact, 'the last good artifact is kept');
    const event = await waitEvent(name, 'Warning', reason);
    assert.match(event.note, message);
    return repo;
  };

  before(async () => {
    git = await startGitServer();
    ssh = await startSshGitServer(git.root);
    stranger = await sshKeyPair();
    app = await createRepository(git, 'app');
    head = await app.commit({ 'deploy/app.yaml': 'kind: ConfigMap\n', 'README.md': '# app\n' });
  });
  after(async () => {
    await Promise.all([ssh.close(), git.close()]);
  });

  it('fetches over SSH with identity and known_hosts from a Secret: Ready with main@sha1:<commit>', async () => {
    const repo = await readyOverSsh('app', app, 'git-ssh', head);
    assert.equal(repo.status?.artifact?.revision, `main@sha1:${head}`);
    assert.equal(condition(repo, 'Ready')?.reason, 'GitOperationSucceeded');
    await waitEvent('app', 'Normal', 'NewArtifact');
    // A session is logged when the server side ends, which can be just after the client is done.
    await waitFor('the fetch over SSH logged', async () => ((await ssh.sessions()).some((s) => s.kind === 'fetch' && s.repository === app.path) ? true : undefined));
  });

  it('follows a pushed commit', async () => {
    head = await app.commit({ 'deploy/more.yaml': 'kind: Service\n' });
    await request('app', 'after-push');
    const repo = await waitReady('app', 'True', (r) => r.status?.artifact?.revision === `main@sha1:${head}`);
    assert.equal(repo.status?.lastHandledReconcileAt, 'after-push');
  });

  it('checks out a tag, and the highest tag matching a semver range', async () => {
    const tagged = await createRepository(git, 'tagged');
    await tagged.commit({ 'v.yaml': 'v: 1.0.0\n' });
    await tagged.tag('v1.0.0');
    const v11 = await tagged.commit({ 'v.yaml': 'v: 1.1.0\n' });
    await tagged.tag('v1.1.0', 'annotated release');
    await tagged.commit({ 'v.yaml': 'v: 2.0.0\n' });
    await tagged.tag('v2.0.0');
    const byTag = await readyOverSsh('by-tag', tagged, 'git-ssh', v11, '  ref: {tag: v1.1.0}\n');
    assert.equal(byTag.status?.artifact?.revision, `v1.1.0@sha1:${v11}`);
    const bySemver = await readyOverSsh('by-semver', tagged, 'git-ssh', v11, '  ref: {semver: ">=1.0.0 <2.0.0"}\n');
    assert.equal(bySemver.status?.artifact?.revision, `v1.1.0@sha1:${v11}`);
  });

  it('polls an unchanged ref with one SSH session that only lists refs, and writes nothing', async () => {
    const polled = await createRepository(git, 'polled');
    const commit = await polled.commit({ 'a.yaml': 'a: 1\n' });
    await secret('git-ssh', { identity: ssh.client.privateKey, known_hosts: ssh.knownHosts });
    await apply(gitRepoYaml('polled', `${ssh.url}${polled.path}`, '  ref: {branch: main}\n  secretRef: {name: git-ssh}\n', '1s'));
    const ready = await waitReady('polled', 'True', (r) => r.status?.artifact?.revision === `main@sha1:${commit}`);
    const ofPolled = async () => (await ssh.sessions()).filter((s) => s.repository === polled.path);
    // A session is logged when the server side ends, which can be just after the client is done.
    const seen = (await waitFor('the first fetch logged', async () => {
      const sessions = await ofPolled();
      return sessions.some((s) => s.kind === 'fetch') ? sessions : undefined;
    })).length;
    const polls = await waitFor('three polls', async () => {
      const sessions = (await ofPolled()).slice(seen);
      return sessions.length >= 3 ? sessions : undefined;
    }, { timeoutMs: 30_000 });
    assert.deepEqual(new Set(polls.map((s) => s.kind)), new Set(['ls-remote']), 'no fetch');
    assert.equal((await get('polled')).metadata.resourceVersion, ready.metadata.resourceVersion, 'no status write');
    await kubectl(['delete', 'gitrepo', 'polled', '-n', namespace.name, '--wait=false']);
  });

  it('refuses a server whose host key is not the one in known_hosts: HostKeyVerificationFailed', async () => {
    const good = await readyOverSsh('hostkey', app, 'git-ssh-hostkey', head);
    const impostor = await sshKeyPair();
    await secret('git-ssh-hostkey', { identity: ssh.client.privateKey, known_hosts: knownHostsLine(ssh.port, impostor.publicKey) });
    await request('hostkey', 'other-host-key');
    await failsKeepingArtifact('hostkey', good, 'HostKeyVerificationFailed',
      new RegExp(`host key of 127\\.0\\.0\\.1:${String(ssh.port)} does not match known_hosts in the spec.secretRef Secret ${namespace.name}/git-ssh-hostkey .*ssh-keyscan -p ${String(ssh.port)} 127\\.0\\.0\\.1`));
  });

  it('reports a key the server does not accept as AuthenticationFailed', async () => {
    const good = await readyOverSsh('wrongkey', app, 'git-ssh-wrongkey', head);
    await secret('git-ssh-wrongkey', { identity: stranger.privateKey, known_hosts: ssh.knownHosts });
    await request('wrongkey', 'stranger-key');
    await failsKeepingArtifact('wrongkey', good, 'AuthenticationFailed',
      new RegExp(`127\\.0\\.0\\.1:${String(ssh.port)} refused the SSH key \\(.*Permission denied \\(publickey\\).*\\): check that identity in the spec.secretRef Secret ${namespace.name}/git-ssh-wrongkey`));
  });

  it('never trusts a host key it cannot check: no known_hosts is Stalled, and a fixed Secret is picked up', async () => {
    await secret('git-ssh-nohosts', { identity: ssh.client.privateKey });
    await apply(gitRepoYaml('nohosts', `${ssh.url}${app.path}`, '  ref: {branch: main}\n  secretRef: {name: git-ssh-nohosts}\n'));
    const stalled = await waitReady('nohosts', 'False');
    assert.equal(condition(stalled, 'Ready')?.reason, 'HostKeyVerificationFailed');
    assert.equal(condition(stalled, 'Stalled')?.status, 'True');
    assert.match(condition(stalled, 'Ready')?.message ?? '', new RegExp(`Secret ${namespace.name}/git-ssh-nohosts has no known_hosts.*ssh-keyscan -p ${String(ssh.port)} 127\\.0\\.0\\.1`));
    assert.equal(stalled.status?.artifact, undefined);
    await secret('git-ssh-nohosts', { identity: ssh.client.privateKey, known_hosts: ssh.knownHosts });
    const ready = await waitReady('nohosts', 'True');
    assert.equal(condition(ready, 'Stalled'), undefined);
  });

  it('names a ref that does not exist, keeping the last good artifact', async () => {
    const good = await readyOverSsh('badref', app, 'git-ssh', head);
    await apply(gitRepoYaml('badref', `${ssh.url}${app.path}`, '  ref: {tag: v9.9.9}\n  secretRef: {name: git-ssh}\n'));
    await failsKeepingArtifact('badref', good, 'RefNotFound', /tag "v9\.9\.9" does not exist in ssh:\/\/127\.0\.0\.1:\d+\/app\.git: check spec\.ref\.tag/);
  });

  it('says FetchFailed naming the host when the SSH server is unreachable, keeping the last good artifact', async () => {
    const doomed = await startSshGitServer(git.root);
    await secret('git-ssh-doomed', { identity: doomed.client.privateKey, known_hosts: doomed.knownHosts });
    await apply(gitRepoYaml('doomed', `${doomed.url}${app.path}`, '  ref: {branch: main}\n  secretRef: {name: git-ssh-doomed}\n'));
    const good = await waitReady('doomed', 'True');
    await doomed.close();
    await request('doomed', 'after-close');
    await failsKeepingArtifact('doomed', good, 'FetchFailed',
      new RegExp(`cannot reach the SSH server 127\\.0\\.0\\.1:${String(doomed.port)} \\(connect to host .*Connection refused\\): check the host and port in spec\\.url`));
  });

  it('puts no part of a private key in a status, an event or a log line', async () => {
    const keyLines = [ssh.client.privateKey, stranger.privateKey].flatMap((k) => k.split('\n')).filter((l) => l.length >= 20 && !l.startsWith('-----'));
    // The controllers' log file exists when the global setup runs (CAPSTAN_TEST_LOG_DIR).
    const logFile = testLogStream()?.path;
    const written = (await kubectl(['get', 'gitrepo', '-n', namespace.name, '-o', 'json'])).stdout +
      (await kubectl(['get', 'events.events.k8s.io', '-n', namespace.name, '-o', 'json'])).stdout +
      (typeof logFile === 'string' ? await readFile(logFile, 'utf8') : '');
    assert.ok(keyLines.length > 0);
    for (const line of keyLines) assert.ok(!written.includes(line), 'a line of a private key was written');
  });
});
