// Building a Kustomization's manifests from an extracted artifact, with the toolchain's real
// kubectl kustomize: plain folders, overlays, substitution and transforms, and every bad input of
// the build stage failing with a stable reason and a message naming the file and the fix, with
// paths relative to the repository (never the extraction folder).
import assert from 'node:assert/strict';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildManifests, BuildError, type BuildInput } from '../../../src/kustomize/build/build.ts';
import type { BuildReason } from '../../../src/kustomize/build/errors.ts';
import type { KubeObject } from '../../../src/kube/resource.ts';
import { writeTree } from '../../support/file-tree.ts';
import { TOOLS_BIN } from '../../support/paths.ts';

const KUBECTL = join(TOOLS_BIN, 'kubectl');

const cm = (name: string, data = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${data}`;
const ids = (objects: KubeObject[]) => objects.map((o) => `${o.kind ?? ''}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);

function build(root: string, input: Partial<BuildInput> = {}) {
  return buildManifests({ root, path: './', kubectl: KUBECTL, ...input });
}

async function fails(root: string, input: Partial<BuildInput>, reason: BuildReason, ...patterns: RegExp[]) {
  await assert.rejects(build(root, input), (err: unknown) => {
    assert.ok(err instanceof BuildError, String(err));
    assert.equal(err.reason, reason, err.message);
    for (const pattern of patterns) assert.match(err.message, pattern);
    assert.ok(!err.message.includes(root), `the message names the extraction folder: ${err.message}`);
    return true;
  });
}

describe('buildManifests: plain manifests', () => {
  it('reads every manifest file under the path, sorted by relative path (a.json before a/), documents in file order', async () => {
    const root = await writeTree({
      'apps/b.yaml': `${cm('b1')}---\n${cm('b2')}`,
      'apps/a/z.yml': cm('az'),
      'apps/a.json': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a-json' } }),
      'apps/empty.yaml': '---\n# nothing here\n',
      'apps/README.md': 'not a manifest',
      'other/x.yaml': cm('not-under-path'),
    });
    assert.deepEqual(ids(await build(root, { path: './apps' })), ['ConfigMap//a-json', 'ConfigMap//az', 'ConfigMap//b1', 'ConfigMap//b2']);
  });

  it('builds a folder below the path that holds a kustomization with kustomize, at its place in the order', async () => {
    const root = await writeTree({
      'a.yaml': cm('first'),
      'm/kustomization.yaml': 'namePrefix: k-\nresources: [cm.yaml]\n',
      'm/cm.yaml': cm('middle'),
      'z.yaml': cm('last'),
    });
    assert.deepEqual(ids(await build(root)), ['ConfigMap//first', 'ConfigMap//k-middle', 'ConfigMap//last']);
  });

  it('substitutes variables (also in commonMetadata), then sets targetNamespace and commonMetadata', async () => {
    const root = await writeTree({
      'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n',
      'cm.yaml': cm('settings', 'data:\n  replicas: ${quote}${replicas:=2}${quote}\n  escaped: $${HOME}\n'),
    });
    const objects = await build(root, { variables: { ns: 'team', quote: '"' }, targetNamespace: 'team', commonMetadata: { labels: { owner: '${ns}' } } });
    assert.deepEqual(ids(objects), ['ConfigMap/team/settings', 'Namespace//team']);
    assert.deepEqual((objects[0] as unknown as { data: unknown }).data, { replicas: '2', escaped: '${HOME}' });
    assert.deepEqual(objects.map((o) => o.metadata.labels), [{ owner: 'team' }, { owner: 'team' }]);
  });

  it('leaves ${var} alone without postBuild', async () => {
    const root = await writeTree({ 'cm.yaml': cm('c', 'data:\n  x: ${unset}\n') });
    assert.deepEqual((await build(root)).map((o) => (o as unknown as { data: unknown }).data), [{ x: '${unset}' }]);
  });
});

describe('buildManifests: kustomize', () => {
  it('builds an overlay and its base with kubectl kustomize', async () => {
    const root = await writeTree({
      'base/kustomization.yaml': 'resources: [cm.yaml]\n',
      'base/cm.yaml': cm('app', 'data:\n  size: ${size}\n'),
      'overlays/prod/kustomization.yaml': 'resources: [../../base]\nnamePrefix: prod-\ncommonLabels: {env: prod}\n',
    });
    const objects = await build(root, { path: 'overlays/prod', variables: { size: '10' }, targetNamespace: 'prod' });
    assert.deepEqual(ids(objects), ['ConfigMap/prod/prod-app']);
    assert.deepEqual(objects[0]?.metadata.labels, { env: 'prod' });
    assert.deepEqual((objects[0] as unknown as { data: unknown }).data, { size: 10 });
  });

  it('fails on a kustomize build error, naming the kustomization file without the extraction folder', async () => {
    const root = await writeTree({
      'broken/kustomization.yaml': 'resources: [cm.yaml]\npatches:\n- path: missing-patch.yaml\n',
      'broken/cm.yaml': cm('c'),
    });
    await fails(root, { path: 'broken' }, 'BuildFailed', /^kustomize build of broken\/kustomization\.yaml failed: .*missing-patch\.yaml.*; fix the kustomization$/s);
  });

  it('fails on a kustomization that is not YAML, naming the file and the line', async () => {
    const root = await writeTree({ 'k/kustomization.yaml': 'resources:\n  - a.yaml\n - b.yaml\n' });
    await fails(root, { path: 'k' }, 'BuildFailed', /^k\/kustomization\.yaml is not valid YAML: .* at line \d+; fix the kustomization$/);
  });

  it('refuses a remote resource before running kubectl, naming the file and the entry', async () => {
    const root = await writeTree({ 'kustomization.yaml': 'resources:\n- https://github.com/org/repo//deploy?ref=v1\n' });
    await fails(root, { kubectl: '/nonexistent/kubectl' }, 'BuildFailed',
      /^kustomization\.yaml: resources entry https:\/\/github\.com\/org\/repo\/\/deploy\?ref=v1 is a remote URL, which capstan does not fetch; copy it into the repository/);
  });

  it('refuses a remote entry in a base the overlay names', async () => {
    const root = await writeTree({
      'base/kustomization.yml': 'components:\n- git@github.com:org/repo.git//c\n',
      'overlay/Kustomization': 'resources: [../base]\n',
    });
    await fails(root, { path: 'overlay', kubectl: '/nonexistent/kubectl' }, 'BuildFailed', /^base\/kustomization\.yml: components entry git@github\.com:org\/repo\.git\/\/c is a remote URL/);
  });

  it('refuses a resource missing from the repository, which kustomize would try to fetch', async () => {
    const root = await writeTree({ 'kustomization.yaml': 'resources: [example.com/org/repo]\n' });
    await fails(root, {}, 'BuildFailed', /^kustomization\.yaml: resources entry example\.com\/org\/repo does not exist in the repository; fix the path or add the file$/);
  });

  it('refuses a base outside the repository', async () => {
    const root = await writeTree({ 'kustomization.yaml': 'resources: [../../..]\n' });
    await fails(root, {}, 'BuildFailed', /^kustomization\.yaml: resources entry \.\.\/\.\.\/\.\. is outside the repository/);
  });

  it('says how to fix a kubectl that cannot be started', async () => {
    const root = await writeTree({ 'kustomization.yaml': 'resources: [cm.yaml]\n', 'cm.yaml': cm('c') });
    await fails(root, { kubectl: '/nonexistent/kubectl' }, 'BuildFailed', /could not start \/nonexistent\/kubectl .*--kubectl-binary/);
  });
});

describe('buildManifests: bad input', () => {
  it('fails with PathNotFound for a path that does not exist, escapes the repository or is a file', async () => {
    const root = await writeTree({ 'apps/cm.yaml': cm('c') });
    await fails(root, { path: './nope' }, 'PathNotFound', /^spec\.path \.\/nope does not exist in the source; fix spec\.path/);
    await fails(root, { path: '../..' }, 'PathNotFound', /^spec\.path \.\.\/\.\. does not exist in the source/);
    await fails(root, { path: 'apps/cm.yaml' }, 'PathNotFound', /is a file, not a folder; set spec\.path to the folder/);
  });

  it('fails on a file that is not YAML, naming the file and the line', async () => {
    const root = await writeTree({ 'good.yaml': cm('good'), 'sub/bad.yml': `${cm('x')}data:\n  a: b\n    c: d\n` });
    await fails(root, {}, 'BuildFailed', /^sub\/bad\.yml is not valid YAML: .* at line 7, column \d+; fix the file or move it out of spec\.path$/);
  });

  it('fails on an unset variable without default, naming the variable, the object, the file and the fix', async () => {
    const root = await writeTree({ 'apps/web.yaml': cm('web', 'data:\n  image: nginx:${tag}\n') });
    await fails(root, { variables: {} }, 'SubstitutionFailed', /^ConfigMap\/web \(apps\/web\.yaml\) uses \$\{tag\}, which is not set: add it to postBuild\.substitute/);
  });

  it('fails on an unset variable in kustomize output, naming the kustomization', async () => {
    const root = await writeTree({ 'kustomization.yaml': 'resources: [cm.yaml]\n', 'cm.yaml': cm('c', 'data:\n  x: ${missing}\n') });
    await fails(root, { variables: {} }, 'SubstitutionFailed', /^ConfigMap\/c \(built by kustomize from kustomization\.yaml\) uses \$\{missing\}/);
  });

  it('refuses a symbolic link that leaves the repository', async () => {
    const root = await writeTree({ 'cm.yaml': cm('c') });
    await symlink('/etc/hostname', join(root, 'leak.yaml'));
    await fails(root, {}, 'BuildFailed', /^leak\.yaml is a symbolic link to outside the repository/);
  });

  it('stops when aborted', async () => {
    const root = await writeTree({ 'kustomization.yaml': 'resources: [cm.yaml]\n', 'cm.yaml': cm('c') });
    await assert.rejects(build(root, { signal: AbortSignal.abort(new Error('stopping')) }), /stopping/);
  });
});
