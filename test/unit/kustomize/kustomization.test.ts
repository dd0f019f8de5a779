// Which kustomization entries kustomize would fetch from the network: capstan refuses them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRemote, loadedEntries } from '../../../src/kustomize/build/kustomization.ts';

describe('isRemote', () => {
  const rows: [string, boolean][] = [
    ['https://github.com/org/repo//deploy?ref=v1', true],
    ['http://example.com/manifest.yaml', true],
    ['ssh://git@example.com/org/repo.git', true],
    ['git::https://example.com/org/repo', true],
    ['git@github.com:org/repo.git//base', true],
    ['github.com/kubernetes-sigs/kustomize/examples/multibases?ref=v1.0.6', true],
    ['file:///etc/passwd', true],
    ['../base', false],
    ['deployment.yaml', false],
    ['./overlays/prod', false],
    ['dir.with.dots/x.yaml', false],
  ];
  for (const [entry, expected] of rows) {
    it(`${entry}: ${String(expected)}`, () => {
      assert.equal(isRemote(entry), expected);
    });
  }
});

describe('loadedEntries', () => {
  it('takes resources, components and bases as paths that must exist, generator-like fields as maybe-paths', () => {
    const kustomization = {
      resources: ['a.yaml', 'https://x/y'], components: ['../c'], bases: ['../b'],
      transformers: ['t.yaml', 'apiVersion: builtin\nkind: LabelTransformer\n'], patches: [{ path: 'p.yaml' }],
    };
    assert.deepEqual(loadedEntries(kustomization), [
      { field: 'resources', entry: 'a.yaml', mustExist: true },
      { field: 'resources', entry: 'https://x/y', mustExist: true },
      { field: 'components', entry: '../c', mustExist: true },
      { field: 'bases', entry: '../b', mustExist: true },
      { field: 'transformers', entry: 't.yaml', mustExist: false },
    ]);
  });

  it('reads nothing from something that is not a mapping', () => {
    assert.deepEqual(loadedEntries(null), []);
    assert.deepEqual(loadedEntries(['resources']), []);
  });
});
