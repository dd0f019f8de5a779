// kustomize's error as a condition message: one line, paths relative to the repository.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kustomizeMessage } from '../../../src/kustomize/build/kubectl.ts';

describe('kustomizeMessage', () => {
  it('drops kubectl\'s prefix, the extraction folder and line breaks', () => {
    // stderr of kubectl 1.34.5 (kustomize v5.7.1) for a patch file that does not exist.
    const stderr = "error: trouble configuring builtin PatchTransformer with config: `\npath: missing-patch.yaml\n`: failed to get the patch file from path(missing-patch.yaml): evalsymlink failure on '/tmp/ks-1/broken/missing-patch.yaml' : lstat /tmp/ks-1/broken/missing-patch.yaml: no such file or directory\n";
    assert.equal(kustomizeMessage(stderr, '/tmp/ks-1'),
      "trouble configuring builtin PatchTransformer with config: ` path: missing-patch.yaml `: failed to get the patch file from path(missing-patch.yaml): evalsymlink failure on 'broken/missing-patch.yaml' : lstat broken/missing-patch.yaml: no such file or directory");
  });

  it('shows the root itself as . and bounds the length', () => {
    assert.equal(kustomizeMessage('error: must build at directory /tmp/ks-1', '/tmp/ks-1'), 'must build at directory .');
    assert.equal(kustomizeMessage('x'.repeat(5000), '/r').length, 2001);
  });
});
