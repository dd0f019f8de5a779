// Reading manifest files: every document in order, empty ones skipped, Lists unpacked, and errors
// that name the file, the document and the line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BuildError } from '../../../src/kustomize/build/errors.ts';
import { parseManifests } from '../../../src/kustomize/build/manifests.ts';

const objectsOf = (text: string) => parseManifests(text, 'apps/all.yaml');

function failure(text: string, pattern: RegExp) {
  assert.throws(() => objectsOf(text), (err: unknown) => {
    assert.ok(err instanceof BuildError);
    assert.equal(err.reason, 'BuildFailed');
    assert.match(err.message, pattern);
    return true;
  });
}

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

describe('parseManifests', () => {
  it('reads every document in order and skips empty ones', () => {
    const text = `---\n${cm('a')}---\n# only a comment\n---\n\n--- # separator with a comment\n${cm('b')}...\n`;
    assert.deepEqual(objectsOf(text).map((o) => o.metadata.name), ['a', 'b']);
  });

  it('unpacks a v1 List', () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: b}\n';
    assert.deepEqual(objectsOf(text).map((o) => o.kind), ['ConfigMap', 'Secret']);
  });

  it('reads JSON', () => {
    assert.equal(objectsOf('{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j"}}').at(0)?.metadata.name, 'j');
  });

  it('names the file and the line of a YAML syntax error', () => {
    failure(`${cm('a')}---\n${cm('b')}data:\n  k: v\n    w: x\n`, /^apps\/all\.yaml is not valid YAML: .* at line 12, column \d+; fix the file or move it out of spec\.path$/);
  });

  it('names the file, the document and the missing fields of an object without metadata.name', () => {
    failure(`${cm('a')}---\napiVersion: v1\nkind: ConfigMap\n`, /^apps\/all\.yaml: document 2 has no metadata\.name: every object needs apiVersion, kind and metadata\.name; fix the file/);
    failure('metadata:\n  name: x\n', /document 1 has no apiVersion, kind:/);
    failure('apiVersion: v1\nkind: List\nitems:\n- kind: ConfigMap\n', /document 1, item 1 has no apiVersion, metadata\.name:/);
  });

  it('refuses a document that is not a mapping', () => {
    failure('- a\n- b\n', /document 1 holds a list, not a Kubernetes object/);
    failure('just text\n', /document 1 holds a string, not a Kubernetes object/);
  });
});
