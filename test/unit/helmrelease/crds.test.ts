import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { HelmRelease } from '../../../src/api/objects.ts';
import { crdPolicy, crdStep, helmSkipsCrds, type CrdPolicy } from '../../../src/helmrelease/actions/crds.ts';
import { ChartCrdError, parseCrdFile, readChartCrds } from '../../../src/helmrelease/chart-crds.ts';
import { FIXTURES_REPO } from '../../support/paths.ts';
import { chartTgz } from '../../support/tarball.ts';

const crdYaml = (plural: string) =>
  `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${plural}.example.test\nspec: {group: example.test}\n`;

function hr(spec: Partial<HelmRelease['spec']> = {}): HelmRelease {
  return { metadata: { name: 'r', namespace: 'n' }, spec: { interval: '5m', chart: { spec: { chart: 'c', sourceRef: { kind: 'HelmRepository', name: 'x' } } }, ...spec } };
}

describe('CRD policy', () => {
  it('defaults to Create on install and Skip on upgrade, as Flux does', () => {
    assert.equal(crdPolicy(hr(), 'install'), 'Create');
    assert.equal(crdPolicy(hr(), 'upgrade'), 'Skip');
    assert.equal(crdPolicy(hr({ install: { crds: 'Skip' }, upgrade: { crds: 'CreateReplace' } }), 'install'), 'Skip');
    assert.equal(crdPolicy(hr({ install: { crds: 'Skip' }, upgrade: { crds: 'CreateReplace' } }), 'upgrade'), 'CreateReplace');
  });

  const table: [action: 'install' | 'upgrade', policy: CrdPolicy, step: string, helmSkips: boolean][] = [
    ['install', 'Skip', 'none', true],
    ['install', 'Create', 'none', false], // helm install creates the absent ones itself
    ['install', 'CreateReplace', 'apply', true],
    ['upgrade', 'Skip', 'none', true],
    ['upgrade', 'Create', 'create', true], // helm upgrade never creates CRDs
    ['upgrade', 'CreateReplace', 'apply', true],
  ];
  for (const [action, policy, step, helmSkips] of table) {
    it(`${action} with ${policy}: capstan ${step === 'none' ? 'does nothing' : `${step}s`}${action === 'install' ? `, helm ${helmSkips ? 'skips' : 'creates'} them` : ''}`, () => {
      assert.equal(crdStep(action, policy), step);
      if (action === 'install') assert.equal(helmSkipsCrds(policy), helmSkips);
    });
  }
});

describe('chart CRDs', () => {
  it('reads every CRD of the crds/ folder from the package', async () => {
    const crds = await readChartCrds(join(FIXTURES_REPO, 'crd-policy-2.0.0.tgz'));
    assert.deepEqual(crds.map((c) => c.metadata.name), ['cogs.crd-policy.capstan.test', 'sprockets.crd-policy.capstan.test']);
  });

  it('finds none in a chart without crds/', async () => {
    assert.deepEqual(await readChartCrds(join(FIXTURES_REPO, 'app-1.0.0.tgz')), []);
  });

  it('reads the CRDs of subcharts, packed or not, and every document of a file, skipping what helm skips', async () => {
    const packed = chartTgz('sub', '1.0.0', [{ name: 'sub/crds/b.yaml', content: crdYaml('bs') }]);
    const pkg = chartTgz('top', '1.0.0', [
      { name: 'top/crds/a.yml', content: `---\n${crdYaml('as')}---\n${crdYaml('cs')}\n---\n` },
      { name: 'top/crds/README.md', content: 'not a manifest' },
      { name: 'top/templates/crds/x.yaml', content: 'kind: ConfigMap' },
      { name: 'top/charts/sub-1.0.0.tgz', content: packed },
      { name: 'top/charts/inner/crds/nested/d.json', content: JSON.stringify(parseCrdFile(crdYaml('ds'), 'd')[0]) },
    ]);
    const path = join(await mkdtemp(join(tmpdir(), 'capstan-crds-')), 'top-1.0.0.tgz');
    await writeFile(path, pkg);
    const names = (await readChartCrds(path)).map((c) => c.metadata.name).sort();
    assert.deepEqual(names, ['as.example.test', 'bs.example.test', 'cs.example.test', 'ds.example.test']);
  });

  it('refuses a crds/ document that is not a CustomResourceDefinition, naming the file', () => {
    assert.throws(() => parseCrdFile('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n', 'c.tgz:c/crds/x.yaml'),
      (err: unknown) => err instanceof ChartCrdError && /c\.tgz:c\/crds\/x\.yaml holds something other than .*CustomResourceDefinition/.test(err.message));
    assert.throws(() => parseCrdFile('a: [', 'f'), ChartCrdError);
  });
});
