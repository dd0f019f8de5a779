// Ignore rules and label selectors: which fields of which objects drift detection leaves out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ignoredPaths, LabelSelectorError, matchesSelector, optedOut, type ObjectIdentity } from '../../../../src/helmrelease/drift/ignore.ts';

const deployment: ObjectIdentity = { group: 'apps', version: 'v1', kind: 'Deployment', name: 'web', namespace: 'team', labels: { tier: 'front', app: 'web' } };

describe('ignoredPaths', () => {
  it('applies a rule without a target to every object', () => {
    assert.deepEqual(ignoredPaths([{ paths: ['/spec/replicas'] }], deployment), ['/spec/replicas']);
  });
  it('applies a rule whose every target field matches, and no other', () => {
    const rules = [
      { paths: ['/a'], target: { group: 'apps', kind: 'Deployment', name: 'web' } },
      { paths: ['/b'], target: { kind: 'Deployment', namespace: 'other' } },
      { paths: ['/c'], target: { group: '', kind: 'ConfigMap' } },
      { paths: ['/d'], target: { version: 'v1', labelSelector: 'tier=front' } },
    ];
    assert.deepEqual(ignoredPaths(rules, deployment), ['/a', '/d']);
  });
});

describe('matchesSelector', () => {
  const labels = { tier: 'front', app: 'web' };
  const cases: [string, boolean][] = [
    ['tier=front', true], ['tier==front', true], ['tier=back', false], ['tier!=back', true], ['missing!=x', true],
    ['tier in (front, back)', true], ['tier notin (front)', false], ['missing notin (x)', true], ['missing in (x)', false],
    ['app', true], ['!app', false], ['!missing', true], ['tier=front,app=web', true], ['tier=front, app in (api,db)', false], ['', true],
  ];
  for (const [selector, expected] of cases) {
    it(`${JSON.stringify(selector)} is ${String(expected)}`, () => { assert.equal(matchesSelector(selector, labels), expected); });
  }
  it('refuses what is not a selector, naming the fix', () => {
    assert.throws(() => matchesSelector('tier=(front', labels), (err: unknown) => err instanceof LabelSelectorError && /use key=value/.test(err.message));
  });
});

describe('optedOut', () => {
  it('is true only for helm.capstan.dev/driftDetection: disabled', () => {
    assert.equal(optedOut({ 'helm.capstan.dev/driftDetection': 'disabled' }), true);
    assert.equal(optedOut({ 'helm.capstan.dev/driftDetection': 'enabled' }), false);
    assert.equal(optedOut(undefined), false);
  });
});
