import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WriteLog } from '../../../src/kube/write-log.ts';

const path = '/apis/helm.capstan.dev/v1/namespaces/team/helmreleases/web';

describe('WriteLog', () => {
  it('trusts a copy of an object this process never wrote', () => {
    assert.equal(new WriteLog().mayPredate(path, '7'), false);
  });

  it('doubts a copy older than the last write, until a copy shows that write', () => {
    const log = new WriteLog();
    log.wrote(path, '10');
    log.wrote(path, '12');
    assert.equal(log.mayPredate(path, '10'), true, 'a write before the last one');
    assert.equal(log.mayPredate('/apis/helm.capstan.dev/v1/namespaces/team/helmreleases/api', '10'), false, 'other objects');
    assert.equal(log.mayPredate(path, '12'), false);
    assert.equal(log.mayPredate(path, '11'), false, 'once shown, the write is no longer waited for');
  });

  it('trusts the object again once it was read from the API server or is gone', () => {
    const log = new WriteLog();
    log.wrote(path, '10');
    log.forget(path);
    assert.equal(log.mayPredate(path, '9'), false);
  });
});
