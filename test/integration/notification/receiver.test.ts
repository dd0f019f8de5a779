// Incoming webhooks: a GitHub-style push signed with the Receiver's token, posted to the path in
// its status, requests reconciles of the HelmRepository and HelmRelease it names (helm 3 and 4);
// a bad signature, a wrong path and an oversized body change nothing.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { HelmRelease, HelmRepository } from '../../../src/api/objects.ts';
import { ANNOTATIONS } from '../../../src/api/objects.ts';
import { capstanResource, objectPath } from '../../../src/kube/resource.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { serveReceivers } from '../../../src/notification/receiver-server.ts';
import { fixtureChartSpec, isReady, useHelmReleaseSuite } from '../../support/helmrelease.ts';
import { useControllers } from '../../support/in-process-controller.ts';
import { kubectl } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { HELM_MAJORS } from '../../support/paths.ts';
import { keepsHolding, waitFor } from '../../support/wait.ts';
import { applyAll, notificationObject, secretObject, waitReady, writtenText } from './support.ts';

const TOKEN = 'webhook-token-9c4e12';
const PUSH = JSON.stringify({ ref: 'refs/heads/main', after: '4b825dc642cb6eb9a060e54bf8d69288fbee4904', repository: { full_name: 'acme/charts' } });

for (const major of HELM_MAJORS) {
  describe(`Receiver with ${major.name}`, () => {
    const namespace = useNamespace(`recv${major.name.slice(-1)}`);
    const running = useControllers(namespace, { helm: major });
    const suite = useHelmReleaseSuite(namespace, running, major);
    let url = '';
    let close: () => void = () => undefined;
    let path = '';

    before(async () => {
      const served = await serveReceivers('127.0.0.1:0', { client: running.api.client, receivers: running.controllers.notifications.receivers, log: createLogger({ level: 'silent', format: 'json' }) });
      url = `http://127.0.0.1:${served.port}`;
      close = () => { served.server.close(); };
      await suite.apply('web', { interval: '10m', ...fixtureChartSpec('app', '1.0.0') });
      await applyAll(namespace.name, [
        secretObject('github-token', { token: TOKEN }),
        notificationObject('Receiver', 'github', {
          type: 'github', events: ['push'], secretRef: { name: 'github-token' },
          resources: [{ kind: 'HelmRepository', name: 'fixtures' }, { kind: 'HelmRelease', name: '*' }],
        }),
      ]);
      path = (await waitReady(namespace.name, 'Receiver', 'github')).status.webhookPath ?? '';
      await suite.waitHr('web', 'Ready', isReady);
    });
    after(() => { close(); });

    const post = (to: string, body: string, headers: Record<string, string>) =>
      fetch(`${url}${to}`, { method: 'POST', body, headers: { 'Content-Type': 'application/json', 'X-GitHub-Event': 'push', ...headers } });
    const signature = (key: string, body = PUSH) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
    // Read through the API client rather than kubectl: a poll takes milliseconds, not a process start.
    const requested = async () => {
      const [repo, hr] = await Promise.all([
        running.api.client.request<HelmRepository>('GET', objectPath(capstanResource('HelmRepository'), namespace.name, 'fixtures')),
        running.api.client.request<HelmRelease>('GET', objectPath(capstanResource('HelmRelease'), namespace.name, 'web')),
      ]);
      return { repo, hr, marks: [repo.metadata.annotations?.[ANNOTATIONS.requestedAt], hr.metadata.annotations?.[ANNOTATIONS.requestedAt]] };
    };

    it('publishes the webhook path in status', () => {
      assert.match(path, /^\/hook\/[0-9a-f]{64}$/);
    });

    it('answers 401 to a bad signature and changes nothing', async () => {
      const before = await requested();
      const attempts: Record<string, string>[] = [{ 'X-Hub-Signature-256': signature('not-the-token') }, {}];
      for (const headers of attempts) {
        const res = await post(path, PUSH, headers);
        assert.equal(res.status, 401);
        assert.match(await res.text(), /X-Hub-Signature-256/);
      }
      assert.equal((await post('/hook/0000', PUSH, { 'X-Hub-Signature-256': signature(TOKEN) })).status, 404);
      const big = JSON.stringify({ filler: 'x'.repeat(2 * 1024 * 1024) });
      assert.equal((await post(path, big, { 'X-Hub-Signature-256': signature(TOKEN, big) })).status, 413);
      await keepsHolding('no reconcile requested', 1000, async () => {
        const now = await requested();
        return now.marks.every((m, i) => m === before.marks[i]) && now.hr.status?.lastHandledReconcileAt === before.hr.status?.lastHandledReconcileAt;
      });
    });

    it('requests reconciles of the HelmRepository and the HelmRelease on a signed push, and both reconcile', async () => {
      const sent = Date.now();
      const res = await post(path, PUSH, { 'X-Hub-Signature-256': signature(TOKEN) });
      assert.equal(res.status, 200);
      assert.match(await res.text(), /reconcile requested for 2 objects/);
      const { marks } = await requested();
      const [repoMark, hrMark] = marks;
      assert.ok(repoMark !== undefined && repoMark === hrMark, 'both annotated with the same time');
      const handled = await waitFor('both reconciles to handle the request', async () => {
        const { repo, hr } = await requested();
        return repo.status?.lastHandledReconcileAt === repoMark && hr.status?.lastHandledReconcileAt === hrMark ? Date.now() : undefined;
      }, { intervalMs: 20, timeoutMs: 30_000 });
      console.log(`${major.name}: signed push → HelmRepository and HelmRelease reconciled (lastHandledReconcileAt set) ${handled - sent} ms after the call`);
      assert.ok(isReady(await suite.get('web')));
    });

    it('ignores an event the Receiver does not listen to', async () => {
      const res = await post(path, PUSH, { 'X-Hub-Signature-256': signature(TOKEN), 'X-GitHub-Event': 'issues' });
      assert.equal(res.status, 202);
    });

    it('answers 503 while the Receiver is suspended', async () => {
      const suspend = (on: boolean) => kubectl(['patch', 'receiver', 'github', '-n', namespace.name, '--type=merge', '-p', JSON.stringify({ spec: { suspend: on } })]);
      await suspend(true);
      await waitFor('the suspension to reach the server', async () => ((await post(path, PUSH, { 'X-Hub-Signature-256': signature(TOKEN) })).status === 503 ? true : undefined));
      await suspend(false);
      await waitFor('the Receiver to take calls again', async () => ((await post(path, PUSH, { 'X-Hub-Signature-256': signature(TOKEN) })).status === 200 ? true : undefined));
    });

    it('never writes the token to events or statuses', async () => {
      assert.ok(!(await writtenText(namespace.name)).includes(TOKEN));
    });
  });
}
