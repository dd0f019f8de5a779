import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Receiver } from '../../../src/api/notification.ts';
import { ReceiverIndex } from '../../../src/notification/receiver-server.ts';

const receiver = (name: string, webhookPath?: string): Receiver => ({
  metadata: { name, namespace: 'ns' },
  spec: { type: 'generic', secretRef: { name: 't' }, resources: [{ kind: 'HelmRelease', name: '*' }] },
  ...(webhookPath ? { status: { webhookPath } } : {}),
});

describe('ReceiverIndex', () => {
  it('finds a Receiver by the path in its status, follows a new path, and forgets a deleted one', () => {
    const store = new Map<string, Receiver>();
    const index = new ReceiverIndex((key) => store.get(key));
    const put = (r: Receiver) => { store.set(`ns/${r.metadata.name}`, r); index.update(r); };
    put(receiver('a'));
    assert.equal(index.find('/hook/1'), undefined, 'no path yet');
    put(receiver('a', '/hook/1'));
    assert.equal(index.find('/hook/1')?.metadata.name, 'a');
    put(receiver('a', '/hook/2'));
    assert.equal(index.find('/hook/1'), undefined, 'the old path is gone');
    assert.equal(index.find('/hook/2')?.metadata.name, 'a');
    index.remove('ns/a');
    assert.equal(index.find('/hook/2'), undefined);
  });
});
