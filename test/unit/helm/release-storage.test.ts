// Helm's release record as capstan reads and rewrites it: every byte that capstan does not mean
// to change stays as helm wrote it.
import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { decodeRelease, encodeRelease, releaseSecretName } from '../../../src/helm/release-storage.ts';

// As helm writes it: JSON, gzipped, base64 (helm), base64 again (the Secret's data in the API).
const helmJson = '{"name":"web","info":{"first_deployed":"2026-11-24T08:20:53.353509755Z","last_deployed":"2026-11-24T08:20:55.670993588Z","deleted":"","description":"Preparing upgrade","status":"pending-upgrade"},"config":{"big":12345678901234567890,"ratio":1.50,"exp":1e3,"html":"\\u003cb\\u003e"},"version":2,"namespace":"apps"}';
const asSecretData = (json: string, gzip = true) => {
  const bytes = gzip ? gzipSync(Buffer.from(json)) : Buffer.from(json);
  return Buffer.from(bytes.toString('base64')).toString('base64');
};
const fromSecretData = (data: string) => gunzipSync(Buffer.from(Buffer.from(data, 'base64').toString(), 'base64')).toString();

describe('release storage', () => {
  it('names the Secret of a revision as helm does', () => {
    assert.equal(releaseSecretName('web', 3), 'sh.helm.release.v1.web.v3');
  });

  it('reads the release helm stored', () => {
    const release = decodeRelease(asSecretData(helmJson));
    assert.equal(release.info?.status, 'pending-upgrade');
    assert.equal(release.info.last_deployed, '2026-11-24T08:20:55.670993588Z');
    assert.equal(release.name, 'web');
  });

  it('reads a release stored as plain JSON (helm accepts both)', () => {
    assert.equal(decodeRelease(asSecretData(helmJson, false)).info?.status, 'pending-upgrade');
  });

  it('writes back numbers exactly as helm wrote them, beyond 2^53 too', () => {
    const rewritten = JSON.parse(fromSecretData(encodeRelease(decodeRelease(asSecretData(helmJson))))) as unknown;
    assert.deepEqual(rewritten, JSON.parse(helmJson));
    const text = fromSecretData(encodeRelease(decodeRelease(asSecretData(helmJson))));
    assert.match(text, /"big":12345678901234567890,"ratio":1.50,"exp":1e3/);
  });

  it('changes only what it is asked to', () => {
    const release = decodeRelease(asSecretData(helmJson));
    const failed = { ...release, info: { ...release.info, status: 'failed', description: 'capstan: marked failed' } };
    const text = fromSecretData(encodeRelease(failed));
    assert.equal(text, helmJson.replace('"description":"Preparing upgrade","status":"pending-upgrade"', '"description":"capstan: marked failed","status":"failed"').replace('\\u003cb\\u003e', '<b>'));
  });
});
