import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { toNotification } from '../../../src/notification/event.ts';
import { render, type ProviderTarget } from '../../../src/notification/payloads.ts';
import { ROLLBACK } from './fixtures.ts';

const target = (type: ProviderTarget['type'], extra: Partial<ProviderTarget> = {}): ProviderTarget =>
  ({ key: 'apps/p', type, address: 'https://hooks.example/x', headers: {}, timeoutMs: 1000, ...extra });
const event = toNotification(ROLLBACK, 'capstan', { cluster: 'prod' });
const SUMMARY = 'Rolled back apps/web: upgrade app 2.0.0 → 2.1.0 failed (Deployment apps/web not ready: 0/1 replicas available); now at revision 5 (app 2.0.0)';

describe('provider payloads', () => {
  it('generic: the event as JSON, custom headers and a Bearer token', () => {
    const out = render(target('generic', { token: 't0k', headers: { 'X-Team': 'a' } }), event);
    assert.deepEqual(JSON.parse(out.body), event);
    assert.deepEqual(out.headers, { 'X-Team': 'a', 'Content-Type': 'application/json', Authorization: 'Bearer t0k' });
  });

  it('generic-hmac: X-Signature is sha256=<hex HMAC of the exact body>', () => {
    const out = render(target('generic-hmac', { token: 'k3y' }), event);
    assert.equal(out.headers['X-Signature'], `sha256=${createHmac('sha256', 'k3y').update(out.body).digest('hex')}`);
    assert.equal(out.headers.Authorization, undefined, 'the HMAC key is not sent');
  });

  it('slack: summary as text, an attachment coloured by severity with the facts as fields', () => {
    const body = JSON.parse(render(target('slack', { channel: '#ops' }), event).body) as Record<string, unknown>;
    assert.equal(body.channel, '#ops');
    assert.equal(body.username, 'capstan');
    assert.equal(body.text, SUMMARY);
    const [a] = body.attachments as Record<string, unknown>[];
    assert.ok(a);
    assert.equal(a.color, 'danger');
    assert.equal(a.title, SUMMARY);
    assert.equal(a.author_name, 'helmrelease/apps/web');
    assert.equal(a.text, ROLLBACK.note);
    assert.deepEqual((a.fields as { title: string }[]).map((f) => f.title), ['Release', 'Chart', 'Version', 'Revision', 'Cause', 'cluster']);
  });

  it('msteams: an adaptive card, or a MessageCard for legacy office connectors', () => {
    const card = JSON.parse(render(target('msteams'), event).body) as { type: string; attachments: { contentType: string; content: { type: string; version: string; body: { items: { type: string; text?: string }[] }[] } }[] };
    assert.equal(card.type, 'message');
    assert.equal(card.attachments.at(0)?.contentType, 'application/vnd.microsoft.card.adaptive');
    assert.equal(card.attachments.at(0)?.content.version, '1.4');
    assert.deepEqual(card.attachments.at(0)?.content.body.at(0)?.items.map((i) => i.type), ['TextBlock', 'TextBlock', 'TextBlock', 'FactSet']);
    assert.equal(card.attachments.at(0)?.content.body.at(0)?.items.at(0)?.text, SUMMARY);
    const legacy = JSON.parse(render(target('msteams', { address: 'https://org.webhook.office.com/webhookb2/x' }), event).body) as Record<string, unknown>;
    assert.equal(legacy['@type'], 'MessageCard');
    assert.equal(legacy.summary, SUMMARY);
  });

  it('discord: one embed with title, description, colour and fields', () => {
    const body = JSON.parse(render(target('discord', { username: 'deploys' }), event).body) as { username: string; embeds: { title: string; color: number; fields: unknown[] }[] };
    assert.equal(body.username, 'deploys');
    assert.equal(body.embeds.at(0)?.title, SUMMARY);
    assert.equal(body.embeds.at(0)?.color, 0xe01e5a);
    assert.equal(body.embeds.at(0)?.fields.length, 6);
  });

  it('googlechat: a card with the summary as header and the facts as key/value widgets', () => {
    const body = JSON.parse(render(target('googlechat'), event).body) as { text: string; cards: { header: { title: string; subtitle: string }; sections: { widgets: unknown[] }[] }[] };
    assert.equal(body.text, SUMMARY);
    assert.deepEqual(body.cards.at(0)?.header, { title: SUMMARY, subtitle: 'helmrelease/apps/web' });
    assert.equal(body.cards.at(0)?.sections.at(1)?.widgets.length, 6);
  });

  it('never carries the token in a body', () => {
    for (const type of ['generic', 'generic-hmac', 'slack', 'msteams', 'discord', 'googlechat'] as const) {
      assert.ok(!render(target(type, { token: 'very-secret-token' }), event).body.includes('very-secret-token'), type);
    }
  });
});
