// Alert dispatch against real webhook endpoints on loopback (HTTP and HTTPS with a test CA):
// each provider's body field by field, the HMAC signature, retries, a dead endpoint that holds
// up nothing else, dedup, and the severity and inclusion/exclusion filters. Events are recorded
// through the in-process controllers' EventRecorder, as the reconcilers record them.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { HelmRepository } from '../../../src/api/objects.ts';
import type { EventInput } from '../../../src/kube/events.ts';
import { startChartServer, type ChartServer } from '../../support/chart-server.ts';
import { useControllers } from '../../support/in-process-controller.ts';
import { kubectl, kubectlJson } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { makeServerTls, type TlsMaterial } from '../../support/pki.ts';
import { waitFor } from '../../support/wait.ts';
import { applyAll, notificationObject, releaseEvent, secretObject, startSink, waitReady, writtenText, type Sink } from './support.ts';

const SECRETS = { genericToken: 'tok-generic-3f9a1c', hmacKey: 'hmac-key-77d2e0', header: 'header-value-5b8c41' };
const SLACK_ROLLBACK = 'Rolled back apps/web: upgrade app 2.0.0 → 2.1.0 failed (Deployment apps/web not ready: 0/1 replicas available); now at revision 5 (app 2.0.0)';

type Json = Record<string, unknown>;
const json = (body: string) => JSON.parse(body) as Json;

describe('alert dispatch', () => {
  const namespace = useNamespace('notify');
  const running = useControllers(namespace);
  let tls: TlsMaterial;
  let plain: Sink;
  let secure: Sink;
  let charts: ChartServer;
  const record = (name: string, input: Omit<EventInput, 'regarding'>) => running.events.record(releaseEvent(namespace.name, name, input));
  const alertTo = (provider: string, source: string, extra: Json = {}) =>
    notificationObject('Alert', `${provider}-${source}`, { providerRef: { name: provider }, eventSources: [{ kind: 'HelmRelease', name: source }], ...extra });
  const metric = async (name: 'notificationsDropped' | 'notificationsSent', labels: Record<string, string>) =>
    (await running.metrics[name].get()).values.filter((v) => Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l)).reduce((n, v) => n + v.value, 0);

  before(async () => {
    tls = await makeServerTls();
    plain = await startSink();
    secure = await startSink(tls);
    charts = await startChartServer();
  });
  after(async () => {
    await plain.close();
    await secure.close();
    await charts.close();
  });

  it('posts each provider type its native body, over HTTP and HTTPS with a custom CA', async () => {
    const ns = namespace.name;
    await applyAll(ns, [
      secretObject('generic-endpoint', { address: secure.listen('/generic'), token: SECRETS.genericToken, headers: `X-Team: platform\nX-Extra: ${SECRETS.header}\n` }),
      secretObject('test-ca', { 'ca.crt': tls.ca }),
      secretObject('hmac-key', { token: SECRETS.hmacKey }),
      notificationObject('Provider', 'generic', { type: 'generic', secretRef: { name: 'generic-endpoint' }, certSecretRef: { name: 'test-ca' } }),
      notificationObject('Provider', 'signed', { type: 'generic-hmac', address: plain.listen('/hmac'), secretRef: { name: 'hmac-key' } }),
      notificationObject('Provider', 'slack', { type: 'slack', address: plain.listen('/slack'), channel: '#deploys' }),
      notificationObject('Provider', 'teams', { type: 'msteams', address: plain.listen('/teams') }),
      notificationObject('Provider', 'discord', { type: 'discord', address: plain.listen('/discord'), username: 'capstan-bot' }),
      notificationObject('Provider', 'gchat', { type: 'googlechat', address: plain.listen('/gchat') }),
      // The failure itself is left out: its cause reaches the rollback's alert.
      ...['generic', 'signed', 'slack', 'teams', 'discord', 'gchat'].map((p) => alertTo(p, 'web', { eventMetadata: { cluster: 'test' }, exclusionList: ['^upgrade of'] })),
    ]);
    for (const p of ['generic', 'signed', 'slack', 'teams', 'discord', 'gchat']) {
      assert.match((await waitReady(ns, 'Provider', p)).ready.message, /^[a-z-]+ provider ready$/);
      await waitReady(ns, 'Alert', `${p}-web`);
    }

    // As the HelmRelease actions record them: the failed upgrade, then the rollback that answers it.
    const facts = { release: 'apps/web', chart: 'app', valuesDigest: 'sha256:0123' };
    await record('web', {
      type: 'Warning', reason: 'UpgradeFailed', action: 'Upgrade',
      note: 'upgrade of apps/web with app@2.1.0 failed: Deployment apps/web not ready: 0/1 replicas available\nError: UPGRADE FAILED: context deadline exceeded',
      metadata: { ...facts, fromVersion: '2.0.0', fromRevision: '3', toVersion: '2.1.0', toRevision: '4', helmReason: 'HelmTimeout' },
    });
    await record('web', {
      type: 'Warning', reason: 'RollbackSucceeded', action: 'Rollback',
      note: 'the upgrade to app@2.1.0 failed; rolled apps/web back to revision 3 (app@2.0.0) as revision 5',
      metadata: { ...facts, fromVersion: '2.1.0', fromRevision: '4', toVersion: '2.0.0', toRevision: '5' },
    });

    const [generic] = await secure.waitFor('/generic', 1);
    assert.ok(generic);
    const g = json(generic.body);
    assert.deepEqual(Object.keys(g).sort(), ['involvedObject', 'message', 'metadata', 'reason', 'reportingController', 'severity', 'timestamp']);
    assert.deepEqual(g.involvedObject, { apiVersion: 'helm.capstan.dev/v1', kind: 'HelmRelease', namespace: ns, name: 'web' });
    assert.equal(g.severity, 'error');
    assert.equal(g.reason, 'RollbackSucceeded');
    assert.match(g.message as string, /^the upgrade to app@2.1.0 failed; rolled apps\/web back/);
    assert.deepEqual(g.metadata, {
      cluster: 'test', release: 'apps/web', chart: 'app', fromVersion: '2.1.0', toVersion: '2.0.0', fromRevision: '4', toRevision: '5', valuesDigest: 'sha256:0123',
      cause: 'Deployment apps/web not ready: 0/1 replicas available',
    });
    assert.ok(!Number.isNaN(Date.parse(g.timestamp as string)));
    assert.equal(g.reportingController, 'capstan');
    assert.equal(generic.headers['content-type'], 'application/json');
    assert.equal(generic.headers.authorization, `Bearer ${SECRETS.genericToken}`);
    assert.equal(generic.headers['x-team'], 'platform');

    const [signed] = await plain.waitFor('/hmac', 1);
    assert.ok(signed);
    assert.equal(signed.headers['x-signature'], `sha256=${createHmac('sha256', SECRETS.hmacKey).update(signed.body).digest('hex')}`, 'HMAC of the exact body with the token');
    assert.deepEqual({ ...json(signed.body), timestamp: g.timestamp }, g, 'the same generic body');

    const [slack] = await plain.waitFor('/slack', 1);
    assert.ok(slack);
    const s = json(slack.body);
    console.log(`Slack payload:\n${JSON.stringify(s, null, 2)}`);
    assert.equal(s.channel, '#deploys');
    assert.equal(s.username, 'capstan');
    assert.equal(s.text, SLACK_ROLLBACK);
    const [attachment] = s.attachments as Json[];
    assert.ok(attachment);
    assert.equal(attachment.color, 'danger');
    assert.equal(attachment.title, SLACK_ROLLBACK);
    assert.equal(attachment.author_name, `helmrelease/${ns}/web`);
    assert.deepEqual(attachment.mrkdwn_in, ['text']);
    assert.deepEqual(attachment.fields, [
      { title: 'Release', value: 'apps/web', short: true },
      { title: 'Chart', value: 'app', short: true },
      { title: 'Version', value: '2.1.0 → 2.0.0', short: true },
      { title: 'Revision', value: '4 → 5', short: true },
      { title: 'Cause', value: 'Deployment apps/web not ready: 0/1 replicas available', short: false },
      { title: 'cluster', value: 'test', short: true },
    ]);

    const [teams] = await plain.waitFor('/teams', 1);
    assert.ok(teams);
    const t = json(teams.body) as { type: string; attachments: { contentType: string; content: { type: string; version: string; body: { type: string; items: Json[] }[] } }[] };
    assert.equal(t.type, 'message');
    const [card] = t.attachments;
    assert.ok(card);
    assert.equal(card.contentType, 'application/vnd.microsoft.card.adaptive');
    assert.equal(card.content.type, 'AdaptiveCard');
    assert.equal(card.content.version, '1.4');
    const items = card.content.body.at(0)?.items ?? [];
    assert.deepEqual(items.map((i) => i.type), ['TextBlock', 'TextBlock', 'TextBlock', 'FactSet']);
    assert.equal(items.at(0)?.text, SLACK_ROLLBACK);
    assert.equal(items.at(0)?.color, 'attention');
    assert.deepEqual((items.at(3)?.facts as Json[]).map((f) => f.title), ['Release', 'Chart', 'Version', 'Revision', 'Cause', 'cluster']);

    const [discord] = await plain.waitFor('/discord', 1);
    assert.ok(discord);
    const d = json(discord.body) as { username: string; embeds: Json[] };
    assert.equal(d.username, 'capstan-bot');
    const [embed] = d.embeds;
    assert.ok(embed);
    assert.equal(embed.title, SLACK_ROLLBACK);
    assert.equal(embed.color, 0xe01e5a);
    assert.match(embed.description as string, /^the upgrade to app@2.1.0 failed/);
    assert.deepEqual((embed.fields as Json[]).at(2), { name: 'Version', value: '2.1.0 → 2.0.0', inline: true });
    assert.equal(embed.timestamp, g.timestamp);

    const [gchat] = await plain.waitFor('/gchat', 1);
    assert.ok(gchat);
    const c = json(gchat.body) as { text: string; cards: { header: Json; sections: { widgets: Json[] }[] }[] };
    assert.equal(c.text, SLACK_ROLLBACK);
    assert.deepEqual(c.cards.at(0)?.header, { title: SLACK_ROLLBACK, subtitle: `helmrelease/${ns}/web` });
    assert.match(JSON.stringify(c.cards.at(0)?.sections.at(0)?.widgets.at(0)), /font color=/);
    assert.deepEqual(c.cards.at(0)?.sections.at(1)?.widgets.at(3), { keyValue: { topLabel: 'Revision', content: '4 → 5', contentMultiline: true } });

    for (const r of [generic, signed, slack, teams, discord, gchat]) {
      for (const value of Object.values(SECRETS)) assert.ok(!r.body.includes(value), `no Secret value in the body sent to ${r.path}`);
    }
  });

  it('retries an endpoint that answers 500, then delivers once', async () => {
    await applyAll(namespace.name, [
      notificationObject('Provider', 'flaky', { type: 'generic', address: plain.listen('/flaky', (n) => (n <= 2 ? 500 : 200)) }),
      alertTo('flaky', 'flaky-web'),
    ]);
    await waitReady(namespace.name, 'Alert', 'flaky-flaky-web');
    const started = Date.now();
    await record('flaky-web', { type: 'Normal', reason: 'UpgradeSucceeded', action: 'Upgrade', note: 'upgraded' });
    const attempts = await plain.waitFor('/flaky', 3);
    await waitFor('the delivery to be counted', async () => ((await metric('notificationsSent', { provider: `${namespace.name}/flaky`, result: 'delivered' })) === 1 ? true : undefined));
    console.log(`500, 500, then 200: delivered after ${attempts.length} attempts in ${Date.now() - started} ms`);
    assert.equal(new Set(attempts.map((a) => a.body)).size, 1, 'the same body each time');
    assert.equal(await metric('notificationsSent', { provider: `${namespace.name}/flaky`, result: 'failed' }), 0);
  });

  it('an endpoint that never answers delays neither reconciles nor other providers, and its overflow is dropped and counted', async () => {
    const ns = namespace.name;
    const busy = { eventSources: [{ kind: 'HelmRelease', name: 'busy' }, { kind: 'HelmRepository', name: '*' }] };
    await applyAll(ns, [
      notificationObject('Provider', 'dead', { type: 'slack', address: plain.listen('/dead', () => 'hang'), timeout: '2s' }),
      notificationObject('Provider', 'live', { type: 'slack', address: plain.listen('/live') }),
      notificationObject('Alert', 'to-dead', { providerRef: { name: 'dead' }, ...busy }),
      notificationObject('Alert', 'to-live', { providerRef: { name: 'live' }, ...busy }),
    ]);
    await waitReady(ns, 'Alert', 'to-dead');
    await waitReady(ns, 'Alert', 'to-live');

    // Baseline: recording events that no Alert sends.
    const quietStarted = Date.now();
    for (let i = 0; i < 20; i++) await record('quiet', { type: 'Warning', reason: 'UpgradeFailed', action: 'Upgrade', note: `quiet ${i} failed` });
    const quietMs = (Date.now() - quietStarted) / 20;

    const events = 120;
    const started = Date.now();
    for (let i = 0; i < events; i++) await record('busy', { type: 'Warning', reason: 'UpgradeFailed', action: 'Upgrade', note: `upgrade ${i} failed` });
    const recordedMs = Date.now() - started;
    await plain.waitFor('/live', events, 60_000);
    const liveMs = Date.now() - started;

    // A reconcile while the dead endpoint still holds its queue.
    await kubectl(['apply', '-n', ns, '-f', '-'], { input: JSON.stringify({ apiVersion: 'source.capstan.dev/v1', kind: 'HelmRepository', metadata: { name: 'charts' }, spec: { url: charts.url, interval: '10m' } }) });
    const applied = Date.now();
    await waitFor('HelmRepository charts Ready', async () => {
      const repo = await kubectlJson<HelmRepository>(['get', 'hrepo', 'charts', '-n', ns]);
      return repo.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true ? true : undefined;
    }, { intervalMs: 50 });
    const reconcileMs = Date.now() - applied;
    const newArtifact = await waitFor('the NewArtifact alert on the live endpoint', () => plain.on('/live').find((r) => r.body.includes('NewArtifact')));
    const dropped = await metric('notificationsDropped', { provider: `${ns}/dead` });
    console.log(`dead endpoint (2 s timeout): recording an event took ${(recordedMs / events).toFixed(1)} ms (${quietMs.toFixed(1)} ms for events no Alert sends); the live endpoint had all ${events} after ${liveMs} ms; ` +
      `a HelmRepository reconciled to Ready in ${reconcileMs} ms and its alert reached the live endpoint ${newArtifact.at - applied} ms after apply; ` +
      `dead endpoint: ${plain.on('/dead').length} requests received, ${dropped} alerts dropped`);
    assert.equal(await metric('notificationsDropped', { provider: `${ns}/live` }), 0);
    assert.ok(dropped > 0, 'the dead endpoint\'s queue is bounded');
  });

  it('sends identical events once within the dedup window', async () => {
    await applyAll(namespace.name, [notificationObject('Provider', 'dedup', { type: 'generic', address: plain.listen('/dedup') }), alertTo('dedup', 'dup-web')]);
    await waitReady(namespace.name, 'Alert', 'dedup-dup-web');
    const same = { type: 'Warning' as const, reason: 'UpgradeFailed', action: 'Upgrade', note: 'upgrade failed: timed out', metadata: { release: 'x/dup-web' } };
    await record('dup-web', same);
    await record('dup-web', same);
    await record('dup-web', { ...same, note: 'the marker: a different message' });
    const got = await plain.waitFor('/dedup', 2);
    assert.deepEqual(got.map((r) => json(r.body).message), ['upgrade failed: timed out', 'the marker: a different message']);
  });

  it('filters by severity and by the inclusion and exclusion lists', async () => {
    await applyAll(namespace.name, [
      notificationObject('Provider', 'filtered', { type: 'generic', address: plain.listen('/filtered') }),
      alertTo('filtered', 'filter-web', { eventSeverity: 'error', inclusionList: ['^upgrade'], exclusionList: ['timed out'] }),
    ]);
    await waitReady(namespace.name, 'Alert', 'filtered-filter-web');
    const send = (type: 'Normal' | 'Warning', note: string) => record('filter-web', { type, reason: 'UpgradeFailed', action: 'Upgrade', note });
    await send('Normal', 'upgrade succeeded');
    await send('Warning', 'install failed: hook failed');
    await send('Warning', 'upgrade failed: timed out waiting for the condition');
    await send('Warning', 'upgrade failed: pre-upgrade hook failed');
    await plain.waitFor('/filtered', 1);
    // Deliveries to one provider keep their order: anything let through earlier would be first.
    assert.deepEqual(plain.on('/filtered').map((r) => json(r.body).message), ['upgrade failed: pre-upgrade hook failed']);
  });

  it('says why a Provider or an Alert cannot work', async () => {
    await applyAll(namespace.name, [
      secretObject('no-address', { token: 'unused' }),
      notificationObject('Provider', 'no-address', { type: 'slack', secretRef: { name: 'no-address' } }),
      notificationObject('Alert', 'orphan', { providerRef: { name: 'missing' }, eventSources: [{ kind: 'HelmRelease', name: '*' }] }),
      notificationObject('Alert', 'bad-regex', { providerRef: { name: 'slack' }, eventSources: [{ kind: 'HelmRelease', name: '*' }], inclusionList: ['(unclosed'] }),
    ]);
    const provider = await waitReady(namespace.name, 'Provider', 'no-address', 'False');
    assert.equal(provider.ready.reason, 'AddressMissing');
    assert.match(provider.ready.message, /set spec.address or the key address in Secret .*\/no-address/);
    const orphan = await waitReady(namespace.name, 'Alert', 'orphan', 'False');
    assert.equal(orphan.ready.reason, 'ProviderNotReady');
    const badRegex = await waitReady(namespace.name, 'Alert', 'bad-regex', 'False');
    assert.equal(badRegex.ready.reason, 'InvalidExpression');
  });

  it('never writes a Secret value to events or statuses', async () => {
    const text = await writtenText(namespace.name);
    assert.ok(text.length > 0);
    for (const value of Object.values(SECRETS)) assert.ok(!text.includes(value), 'a Secret value was written to the API');
  });
});

describe('alerts and receivers under --no-cross-namespace-refs', () => {
  const namespace = useNamespace('notify-x');
  useControllers(namespace, { allowCrossNamespace: false });

  it('refuses an Alert source and a Receiver resource in another namespace, saying how to fix it', async () => {
    await applyAll(namespace.name, [
      secretObject('token', { token: 'receiver-token-x' }),
      notificationObject('Provider', 'p', { type: 'generic', address: 'http://127.0.0.1:9/none' }),
      notificationObject('Alert', 'a', { providerRef: { name: 'p' }, eventSources: [{ kind: 'HelmRelease', name: '*', namespace: 'elsewhere' }] }),
      notificationObject('Receiver', 'r', { type: 'generic', secretRef: { name: 'token' }, resources: [{ kind: 'HelmRepository', name: 'charts', namespace: 'elsewhere' }] }),
    ]);
    for (const kind of ['Alert', 'Receiver']) {
      const o = await waitReady(namespace.name, kind, kind === 'Alert' ? 'a' : 'r', 'False');
      assert.equal(o.ready.reason, 'CrossNamespaceRefForbidden');
      assert.match(o.ready.message, /--no-cross-namespace-refs forbids/);
      assert.ok(o.status.conditions?.some((c) => c.type === 'Stalled' && c.status === 'True'));
    }
  });
});
