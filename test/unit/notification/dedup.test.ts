import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Deduplicator } from '../../../src/notification/dedup.ts';
import { toNotification } from '../../../src/notification/event.ts';
import { recorded } from './fixtures.ts';

describe('Deduplicator', () => {
  const event = toNotification(recorded(), 'capstan');
  it('lets an event through once per provider within the window, whatever its time', () => {
    let now = 0;
    const dedup = new Deduplicator(1000, () => now);
    assert.equal(dedup.first('ns/a', event), true);
    now = 500;
    assert.equal(dedup.first('ns/a', { ...event, timestamp: 'later' }), false);
    assert.equal(dedup.first('ns/b', event), true, 'another provider gets it too');
    now = 1500;
    assert.equal(dedup.first('ns/a', event), true, 'after the window it goes out again');
  });

  it('tells apart events that differ in message, reason, severity or metadata', () => {
    const dedup = new Deduplicator(1000, () => 0);
    assert.equal(dedup.first('p', event), true);
    assert.equal(dedup.first('p', { ...event, message: 'other' }), true);
    assert.equal(dedup.first('p', { ...event, reason: 'Other' }), true);
    assert.equal(dedup.first('p', { ...event, severity: 'error' }), true);
    assert.equal(dedup.first('p', { ...event, metadata: { toRevision: '9' } }), true);
    assert.equal(dedup.first('p', { ...event, metadata: { toRevision: '9' } }), false);
  });
});
