import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, it } from 'node:test';
import { KubeConfigError, loadKubeConfig } from '../../../src/kube/config.ts';
import { credentialsFor } from '../../../src/kube/credentials.ts';

const kubeconfig = (user: string, extra = '') => `apiVersion: v1
kind: Config
clusters:
- name: dev
  cluster: {server: "https://dev.example:6443", certificate-authority: pki/ca.crt, tls-server-name: api.dev}
users:
- name: me
  user: ${user}
contexts:
- name: dev
  context: {cluster: dev, user: me, namespace: team-a}
${extra}current-context: dev
`;

async function write(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'capstan-kubeconfig-'));
  const path = join(dir, 'config');
  await writeFile(path, text);
  return path;
}

describe('loadKubeConfig', () => {
  it('selects the current context and resolves file paths against the kubeconfig folder', async () => {
    const path = await write(kubeconfig('{client-certificate: pki/me.crt, client-key-data: a2V5}'));
    const kc = loadKubeConfig(path);
    assert.equal(kc.getCurrentCluster()?.server, 'https://dev.example:6443');
    assert.equal(kc.getCurrentCluster()?.caFile, join(path, '..', 'pki', 'ca.crt'));
    assert.equal(kc.getCurrentCluster()?.tlsServerName, 'api.dev');
    assert.equal(kc.getCurrentUser()?.certFile, join(path, '..', 'pki', 'me.crt'));
    assert.equal(kc.getCurrentUser()?.keyData, 'a2V5');
    assert.equal(kc.getContextObject(kc.getCurrentContext())?.namespace, 'team-a');
  });

  it('merges a KUBECONFIG list with the first definition of each name winning', async () => {
    const first = await write(kubeconfig('{token: first}'));
    const second = await write(kubeconfig('{token: second}').replace('current-context: dev', 'current-context: other'));
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = [first, second].join(delimiter);
    try {
      const kc = loadKubeConfig();
      assert.equal(kc.getCurrentUser()?.token, 'first');
      assert.equal(kc.getCurrentContext(), 'dev');
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });

  it('says what to do when the file is missing or names no cluster', async () => {
    assert.throws(() => loadKubeConfig('/nonexistent/kubeconfig'), (err: unknown) => err instanceof KubeConfigError && /pass --kubeconfig/.test(err.message));
    const path = await write(kubeconfig('{token: t}').replace('current-context: dev', 'current-context: missing'));
    assert.throws(() => loadKubeConfig(path), KubeConfigError);
  });

  it('marks exec and auth-provider users for client-node, and keeps the entry it needs', async () => {
    const path = await write(kubeconfig('{exec: {apiVersion: client.authentication.k8s.io/v1, command: aws}}'));
    assert.deepEqual(loadKubeConfig(path).getCurrentUser()?.plugin, { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'aws' } });
  });
});

describe('credentialsFor', () => {
  const headersOf = async (user: string) => {
    const path = await write(kubeconfig(user).replace(', certificate-authority: pki/ca.crt', ''));
    return credentialsFor(loadKubeConfig(path)).headers();
  };

  it('sends a bearer token, or basic auth, or nothing for client certificates', async () => {
    assert.deepEqual(await headersOf('{token: abc}'), { Authorization: 'Bearer abc' });
    assert.deepEqual(await headersOf('{username: u, password: p}'), { Authorization: `Basic ${Buffer.from('u:p').toString('base64')}` });
    assert.deepEqual(await headersOf('{}'), {});
  });

  it('runs an exec plugin (cloud logins) through client-node for the token', async () => {
    const credential = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'from-exec' } });
    const exec = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', command: '/bin/sh', args: ['-c', `echo '${credential}'`], interactiveMode: 'Never' });
    assert.deepEqual(await headersOf(`{exec: ${exec}}`), { Authorization: 'Bearer from-exec' });
  });

  it('reads a token file (service account tokens rotate)', async () => {
    const tokenFile = await write('from-file\n');
    assert.deepEqual(await headersOf(`{tokenFile: ${tokenFile}}`), { Authorization: 'Bearer from-file' });
  });
});
