import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { truncateNote } from '../../../src/kube/events.ts';

describe('truncateNote', () => {
  it('keeps a note of up to 1024 bytes as it is', () => {
    const note = 'x'.repeat(1024);
    assert.equal(truncateNote(note), note);
  });

  it('cuts a longer note to at most 1024 bytes, ellipsis included (the API server rejects more)', () => {
    const cut = truncateNote('x'.repeat(5000));
    assert.equal(Buffer.byteLength(cut), 1024);
    assert.ok(cut.endsWith('…'));
  });

  it('never splits a multi-byte character', () => {
    const cut = truncateNote('é'.repeat(1000));
    assert.ok(Buffer.byteLength(cut) <= 1024);
    assert.match(cut, /^é+…$/);
  });
});
