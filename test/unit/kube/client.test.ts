// The client's answer to 429 (the API server did not take the request), against a loopback HTTP
// server that plays the throttling API server: the status codes and headers are the test's subject.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KubeClient, retryAfterSeconds } from '../../../src/kube/client.ts';
import { loadKubeConfig } from '../../../src/kube/config.ts';
import { ApiError } from '../../../src/kube/errors.ts';

describe('KubeClient under throttling', () => {
  let server: Server;
  let dir: string;
  let client: KubeClient;
  /** Answers left to throttle, and the requests seen. */
  let throttle = 0;
  const seen: string[] = [];
  const observed: number[] = [];
  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => { body += chunk.toString(); });
      req.on('end', () => {
        seen.push(`${req.method ?? ''} ${body}`);
        if (throttle > 0) {
          throttle--;
          res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '0' });
          res.end(JSON.stringify({ kind: 'Status', message: 'storage is (re)initializing', reason: 'TooManyRequests' }));
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ kind: 'ConfigMap', metadata: { name: 'x' } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    dir = await mkdtemp(join(tmpdir(), 'capstan-client-'));
    const { port } = server.address() as AddressInfo;
    await writeFile(join(dir, 'config'), `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:${String(port)}"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`);
    client = new KubeClient(loadKubeConfig(join(dir, 'config')), { observe: (_verb, status) => { observed.push(status); } });
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('sends a throttled request again, body and all, and returns the answer that came through', async () => {
    throttle = 2;
    seen.length = 0;
    observed.length = 0;
    const answer = await client.request<{ metadata: { name: string } }>('POST', '/api/v1/namespaces/a/configmaps', { body: { metadata: { name: 'x' } } });
    assert.equal(answer.metadata.name, 'x');
    assert.deepEqual(seen, Array<string>(3).fill('POST {"metadata":{"name":"x"}}'));
    assert.deepEqual(observed, [429, 429, 200], 'every attempt is counted');
  });

  it('gives the API server\'s 429 to the caller once the retries are spent', async () => {
    throttle = 100;
    seen.length = 0;
    await assert.rejects(client.request('GET', '/api/v1/namespaces/a/configmaps/x'),
      (err: unknown) => err instanceof ApiError && err.statusCode === 429 && /storage is \(re\)initializing/.test(err.message));
    assert.equal(seen.length, 6, 'the request and 5 retries');
    throttle = 0;
  });

  it('does not send again a request that asked for no retries (a lease renewal has a deadline)', async () => {
    throttle = 1;
    seen.length = 0;
    await assert.rejects(client.request('PUT', '/apis/coordination.k8s.io/v1/namespaces/a/leases/l', { body: {}, throttleRetries: 0 }),
      (err: unknown) => err instanceof ApiError && err.statusCode === 429);
    assert.equal(seen.length, 1);
  });

  it('waits what Retry-After says, within bounds', () => {
    assert.equal(retryAfterSeconds('3'), 3);
    assert.equal(retryAfterSeconds('0'), 0);
    assert.equal(retryAfterSeconds('600'), 10);
    assert.equal(retryAfterSeconds(null), 1);
    assert.equal(retryAfterSeconds('Wed, 21 Oct 2026 07:28:00 GMT'), 1);
  });
});
