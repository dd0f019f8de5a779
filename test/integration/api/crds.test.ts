// The CRDs generated from src/api, as the real API server applies and enforces them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KINDS } from '../../../src/api/kinds.ts';
import type { HelmReleaseSpec } from '../../../src/api/helmrelease.ts';
import { kubectl, kubectlJson } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';

const helmRelease = (name: string, spec: string) => `
apiVersion: helm.capstan.dev/v1
kind: HelmRelease
metadata:
  name: ${name}
spec:
${spec}`;

const minimalChart = `  chart:
    spec:
      chart: app
      sourceRef: {kind: HelmRepository, name: fixtures}`;

describe('CRDs on the API server', () => {
  const namespace = useNamespace('crds');

  it('are established for every capstan kind', async () => {
    for (const info of Object.values(KINDS)) {
      const crd = await kubectlJson<{ status: { conditions: { type: string; status: string }[] } }>(['get', 'crd', `${info.plural}.${info.group}`]);
      const established = crd.status.conditions.find((c) => c.type === 'Established');
      assert.equal(established?.status, 'True', `${info.kind} CRD is established`);
    }
  });

  it('fills in the defaults of a HelmRelease created with only its chart', async () => {
    await kubectl(['apply', '-n', namespace.name, '-f', '-'], { input: helmRelease('defaults', minimalChart) });
    const hr = await kubectlJson<{ spec: HelmReleaseSpec }>(['get', 'helmrelease', 'defaults', '-n', namespace.name]);
    assert.equal(hr.spec.interval, '10m');
    assert.equal(hr.spec.timeout, '5m');
    assert.equal(hr.spec.maxHistory, 5);
    assert.equal(hr.spec.suspend, false);
    assert.equal(hr.spec.chart?.spec.version, '*');
  });

  it('fills in nested defaults only inside the blocks that are present', async () => {
    await kubectl(['apply', '-n', namespace.name, '-f', '-'], {
      input: helmRelease('nested', `${minimalChart}\n  upgrade:\n    remediation: {retries: 2}\n  valuesFrom:\n  - {kind: ConfigMap, name: vals}`),
    });
    const hr = await kubectlJson<{ spec: HelmReleaseSpec }>(['get', 'hr', 'nested', '-n', namespace.name]);
    assert.equal(hr.spec.upgrade?.remediation?.strategy, 'rollback');
    const ref = hr.spec.valuesFrom?.[0];
    assert.ok(ref);
    assert.equal(ref.valuesKey, 'values.yaml');
    assert.equal(ref.optional, false);
    assert.equal(hr.spec.install, undefined);
  });

  it('lists HelmReleases with Ready, Status, Chart, Revision and Age columns under the short name hr', async () => {
    const { stdout } = await kubectl(['get', 'hr', '-n', namespace.name]);
    assert.match(stdout.split('\n')[0] ?? '', /^NAME\s+READY\s+STATUS\s+CHART\s+REVISION\s+AGE$/);
  });

  const rejections: [string, string, RegExp][] = [
    ['an interval that is not a duration', `${minimalChart}\n  interval: banana`, /spec\.interval: Invalid value: "banana": spec\.interval in body should match/],
    ['both chart and chartRef', `${minimalChart}\n  chartRef: {kind: GitRepository, name: charts}`, /exactly one of chart, chartRef must be set/],
    ['neither chart nor chartRef', '  releaseName: lonely', /exactly one of chart, chartRef must be set/],
    ['a negative upgrade retry count', `${minimalChart}\n  upgrade:\n    remediation: {retries: -1}`, /spec\.upgrade\.remediation\.retries: Invalid value: -1: spec\.upgrade\.remediation\.retries in body should be greater than or equal to 0/],
    ['an unknown remediation strategy', `${minimalChart}\n  upgrade:\n    remediation: {strategy: reinstall}`, /spec\.upgrade\.remediation\.strategy: Unsupported value: "reinstall": supported values: "rollback", "uninstall"/],
    ['a release name over 53 characters', `${minimalChart}\n  releaseName: ${'a'.repeat(54)}`, /spec\.releaseName: Too long: may not be more than 53/],
    ['a drift ignore path that is not a JSON pointer', `${minimalChart}\n  driftDetection:\n    ignore: [{paths: [spec.replicas]}]`, /spec\.driftDetection\.ignore\[0\]\.paths\[0\]: Invalid value: "spec\.replicas": .* should match/],
  ];
  for (const [what, spec, message] of rejections) {
    it(`rejects a HelmRelease with ${what}, saying which field and why`, async () => {
      const result = await kubectl(['apply', '-n', namespace.name, '-f', '-'], { input: helmRelease('invalid', spec), check: false });
      assert.notEqual(result.exitCode, 0);
      assert.match(result.stderr, message);
      const left = await kubectl(['get', 'hr', 'invalid', '-n', namespace.name, '--ignore-not-found', '-o', 'name']);
      assert.equal(left.stdout.trim(), '', 'nothing was stored');
    });
  }

  it('accepts a negative install retry count, which means retry forever', async () => {
    await kubectl(['apply', '-n', namespace.name, '-f', '-'], { input: helmRelease('forever', `${minimalChart}\n  install:\n    remediation: {retries: -1}`) });
    const hr = await kubectlJson<{ spec: HelmReleaseSpec }>(['get', 'hr', 'forever', '-n', namespace.name]);
    assert.equal(hr.spec.install?.remediation?.retries, -1);
  });

  it('rejects a HelmRepository whose url and type disagree', async () => {
    const result = await kubectl(['apply', '-n', namespace.name, '-f', '-'], {
      check: false,
      input: 'apiVersion: source.capstan.dev/v1\nkind: HelmRepository\nmetadata: {name: mixed}\nspec: {url: "oci://127.0.0.1:5000/charts"}\n',
    });
    assert.notEqual(result.exitCode, 0);
    assert.match(result.stderr, /an oci:\/\/ url needs type: oci/);
  });
});
