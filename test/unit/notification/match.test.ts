import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AlertSpec } from '../../../src/api/notification.ts';
import { AlertConfigError, compileAlert, judge } from '../../../src/notification/match.ts';
import { recorded } from './fixtures.ts';

const spec = (extra: Partial<AlertSpec> = {}): AlertSpec => ({ providerRef: { name: 'chat' }, eventSources: [{ kind: 'HelmRelease', name: '*' }], ...extra });
const alert = (extra: Partial<AlertSpec> = {}, allowCross = true) => compileAlert('apps', 'a', spec(extra), allowCross);

describe('alert matching', () => {
  const cases: [string, Partial<AlertSpec>, Parameters<typeof recorded>[0], ReturnType<typeof judge>][] = [
    ['any HelmRelease of the namespace', {}, {}, 'send'],
    ['another kind', {}, { kind: 'HelmRepository' }, 'not-a-source'],
    ['a Kustomization source', { eventSources: [{ kind: 'Kustomization', name: 'web' }] }, { kind: 'Kustomization' }, 'send'],
    ['a GitRepository source', { eventSources: [{ kind: 'GitRepository', name: '*' }] }, { kind: 'GitRepository' }, 'send'],
    ['a Kustomization source, a HelmRelease of the same name', { eventSources: [{ kind: 'Kustomization', name: 'web' }] }, {}, 'not-a-source'],
    ['another namespace', {}, { namespace: 'other' }, 'not-a-source'],
    ['a source in another namespace named explicitly', { eventSources: [{ kind: 'HelmRelease', name: 'web', namespace: 'other' }] }, { namespace: 'other' }, 'send'],
    ['one object by name', { eventSources: [{ kind: 'HelmRelease', name: 'web' }] }, {}, 'send'],
    ['another name', { eventSources: [{ kind: 'HelmRelease', name: 'api' }] }, {}, 'not-a-source'],
    ['* with matching labels', { eventSources: [{ kind: 'HelmRelease', name: '*', matchLabels: { team: 'a' } }] }, { labels: { team: 'a', x: 'y' } }, 'send'],
    ['* with other labels', { eventSources: [{ kind: 'HelmRelease', name: '*', matchLabels: { team: 'a' } }] }, { labels: { team: 'b' } }, 'not-a-source'],
    ['* with labels, object without labels', { eventSources: [{ kind: 'HelmRelease', name: '*', matchLabels: { team: 'a' } }] }, {}, 'not-a-source'],
    ['severity error, a Normal event', { eventSeverity: 'error' }, {}, 'below-severity'],
    ['severity error, a Warning event', { eventSeverity: 'error' }, { type: 'Warning' }, 'send'],
    ['severity info, a Warning event', { eventSeverity: 'info' }, { type: 'Warning' }, 'send'],
    ['inclusion list matched', { inclusionList: ['^upgraded', 'nothing'] }, {}, 'send'],
    ['inclusion list not matched', { inclusionList: ['^installed'] }, {}, 'not-included'],
    ['exclusion list matched', { exclusionList: ['revision \\d+'] }, {}, 'excluded'],
    ['exclusion wins over inclusion', { inclusionList: ['upgraded'], exclusionList: ['app@2'] }, {}, 'excluded'],
  ];
  for (const [name, extra, event, verdict] of cases) {
    it(`${name} → ${verdict}`, () => { assert.equal(judge(alert(extra), recorded(event)), verdict); });
  }

  it('refuses a source in another namespace under --no-cross-namespace-refs, saying how to fix it', () => {
    assert.throws(() => alert({ eventSources: [{ kind: 'HelmRelease', name: '*', namespace: 'other' }] }, false), (err: unknown) =>
      err instanceof AlertConfigError && err.reason === 'CrossNamespaceRefForbidden' && /move the Alert to namespace other/.test(err.message));
  });

  it('accepts the Alert\'s own namespace named explicitly under --no-cross-namespace-refs', () => {
    assert.doesNotThrow(() => alert({ eventSources: [{ kind: 'HelmRelease', name: '*', namespace: 'apps' }] }, false));
  });

  it('refuses an invalid regular expression, naming the field', () => {
    assert.throws(() => alert({ exclusionList: ['ok', '(unclosed'] }), (err: unknown) =>
      err instanceof AlertConfigError && err.reason === 'InvalidExpression' && err.message.startsWith('exclusionList[1] "(unclosed"'));
  });

  it('names the Provider in the Alert\'s namespace', () => {
    assert.equal(alert().providerKey, 'apps/chat');
  });
});
