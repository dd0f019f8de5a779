// Reading a release's manifest from helm's storage format, and splitting it into objects.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { decodeRelease, parseManifest, releaseSecretName, ReleaseManifestError } from '../../../../src/helmrelease/drift/release-manifest.ts';

const MANIFEST = `---
# Source: app/templates/configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: r-config
data:
  enabled: "yes"
  port: "80"
---
# Source: app/templates/empty.yaml
---
# Source: app/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: r-app
  namespace: elsewhere
spec:
  replicas: 2
`;

/** A Secret's data.release as the API returns it: base64 of helm's base64(gzip(JSON)). */
const stored = (release: unknown, gzip = true) => {
  const json = Buffer.from(JSON.stringify(release));
  return Buffer.from((gzip ? gzipSync(json) : json).toString('base64')).toString('base64');
};

describe('decodeRelease', () => {
  it('reads the manifest of a gzipped release', async () => {
    assert.equal(await decodeRelease(stored({ name: 'r', manifest: MANIFEST, chart: { files: [] } }), 's'), MANIFEST);
  });
  it('reads an uncompressed release, as helm does', async () => {
    assert.equal(await decodeRelease(stored({ manifest: 'x' }, false), 's'), 'x');
  });
  it('refuses what is not a Helm release', async () => {
    await assert.rejects(decodeRelease(Buffer.from('not json').toString('base64'), 'Secret ns/s'), ReleaseManifestError);
    await assert.rejects(decodeRelease(stored({ name: 'r' }), 'Secret ns/s'), /holds a Helm release without a manifest/);
  });
});

describe('parseManifest', () => {
  it('gives each object, skipping empty documents, as YAML 1.1 reads them', () => {
    const objects = parseManifest(MANIFEST, 'release');
    assert.deepEqual(objects.map((o) => [o.kind, o.metadata.name, o.metadata.namespace]), [['ConfigMap', 'r-config', undefined], ['Deployment', 'r-app', 'elsewhere']]);
    assert.deepEqual(objects[0]?.data, { enabled: 'yes', port: '80' });
    assert.deepEqual(objects[1]?.spec, { replicas: 2 });
  });
  it('refuses a document that is not a Kubernetes object, saying which', () => {
    assert.throws(() => parseManifest('---\nkind: ConfigMap\n', 'release ns/r revision 1'), /release ns\/r revision 1: document 1 is not a Kubernetes object/);
  });
  it('names the storage Secret as helm does', () => {
    assert.equal(releaseSecretName('web', 12), 'sh.helm.release.v1.web.v12');
  });
});
