import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { verify, webhookPath } from '../../../src/notification/webhook.ts';

const body = Buffer.from('{"ref":"refs/heads/main"}');
const sig = (key: string) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;

describe('webhook verification', () => {
  it('derives the path from sha256(token + name + namespace)', () => {
    assert.equal(webhookPath('tok', 'r', 'ns'), `/hook/${createHash('sha256').update('tokrns').digest('hex')}`);
  });

  const cases: [string, Parameters<typeof verify>, number | 'ok'][] = [
    ['generic: the path is enough', ['generic', 'tok', [], { headers: {}, body }], 'ok'],
    ['generic-hmac: good signature', ['generic-hmac', 'tok', [], { headers: { 'x-signature': sig('tok') }, body }], 'ok'],
    ['generic-hmac: wrong key', ['generic-hmac', 'tok', [], { headers: { 'x-signature': sig('other') }, body }], 401],
    ['generic-hmac: no signature', ['generic-hmac', 'tok', [], { headers: {}, body }], 401],
    ['github: good signature', ['github', 'tok', [], { headers: { 'x-hub-signature-256': sig('tok'), 'x-github-event': 'push' }, body }], 'ok'],
    ['github: bad signature', ['github', 'tok', [], { headers: { 'x-hub-signature-256': 'sha256=00', 'x-github-event': 'push' }, body }], 401],
    ['github: a ping does nothing', ['github', 'tok', [], { headers: { 'x-hub-signature-256': sig('tok'), 'x-github-event': 'ping' }, body }], 202],
    ['github: event not listed', ['github', 'tok', ['push'], { headers: { 'x-hub-signature-256': sig('tok'), 'x-github-event': 'issues' }, body }], 202],
    ['github: event listed', ['github', 'tok', ['push'], { headers: { 'x-hub-signature-256': sig('tok'), 'x-github-event': 'push' }, body }], 'ok'],
    ['gitlab: good token', ['gitlab', 'tok', ['Push Hook'], { headers: { 'x-gitlab-token': 'tok', 'x-gitlab-event': 'Push Hook' }, body }], 'ok'],
    ['gitlab: wrong token', ['gitlab', 'tok', [], { headers: { 'x-gitlab-token': 'tok2' }, body }], 401],
  ];
  for (const [name, args, expected] of cases) {
    it(name, () => {
      const verdict = verify(...args);
      assert.equal(verdict.ok ? 'ok' : verdict.status, expected);
    });
  }
});
