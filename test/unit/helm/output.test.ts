// helm's JSON output (samples printed by helm 3.17 and 4.1, trimmed) becomes capstan's types; a
// shape the wrapper does not know is an error that says so, never a half-read object.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HelmOutputError } from '../../../src/helm/errors.ts';
import { parseHistory, parseList, parseRelease, parseTestRuns, parseValues } from '../../../src/helm/output.ts';

const HISTORY = '[{"revision":1,"updated":"2026-11-24T06:35:20.830828865Z","status":"superseded","chart":"never-ready-1.0.0","app_version":"1.0.0","description":"Install complete"},'
  + '{"revision":2,"updated":"2026-11-24T06:35:20.935687042Z","status":"failed","chart":"never-ready-2.0.0","app_version":"2.0.0","description":"Upgrade \\"slow\\" failed: context deadline exceeded"},'
  + '{"revision":3,"updated":"2026-11-24T06:35:31.211448597Z","status":"pending-upgrade","chart":"never-ready-2.0.0","app_version":"2.0.0","description":"Preparing upgrade"}]';

const LIST = '[{"name":"slow","namespace":"cap-helm3","revision":"4","updated":"2026-11-24 06:35:33.251979809 +0000 UTC","status":"deployed","chart":"never-ready-1.0.0","app_version":"1.0.0"}]';

// helm 4's `status`: info.resources and apply_method are extra fields, ignored.
const STATUS = JSON.stringify({
  name: 'web', namespace: 'cap-helm4', version: 2, apply_method: 'ssa',
  info: { first_deployed: '2026-11-24T06:36:00.875855456Z', last_deployed: '2026-11-24T06:36:12.902099593Z', description: 'Upgrade complete', status: 'deployed', resources: { 'v1/ConfigMap': [] } },
  config: { config: { a: 1 } }, manifest: '---\n',
  hooks: [
    { name: 'web-app-test', kind: 'Pod', events: ['test'], last_run: { started_at: '2026-11-24T06:36:11Z', completed_at: '2026-11-24T06:36:12Z', phase: 'Succeeded' } },
    { name: 'never-run-test', kind: 'Pod', events: ['test'], last_run: { started_at: '', completed_at: '', phase: '' } },
    { name: 'migrate', kind: 'Job', events: ['pre-upgrade'], last_run: { phase: 'Succeeded' } },
  ],
});

const INSTALL = JSON.stringify({
  name: 'j', namespace: 'cap-helm3', version: 1,
  info: { first_deployed: '2026-11-24T06:40:00Z', last_deployed: '2026-11-24T06:40:00Z', deleted: '', description: 'Install complete', status: 'deployed' },
  chart: { metadata: { name: 'app', version: '1.0.0', appVersion: '1.0.0', apiVersion: 'v2' }, templates: [], values: {} },
  manifest: '---\n',
});

describe('parseHistory', () => {
  it('reads every revision, oldest first, with helm\'s status names', () => {
    const history = parseHistory(HISTORY);
    assert.deepEqual(history.map((h) => [h.revision, h.status, h.chart]), [
      [1, 'superseded', 'never-ready-1.0.0'], [2, 'failed', 'never-ready-2.0.0'], [3, 'pending-upgrade', 'never-ready-2.0.0'],
    ]);
    assert.equal(history[1]?.description, 'Upgrade "slow" failed: context deadline exceeded');
    assert.equal(history[0]?.appVersion, '1.0.0');
  });

  it('rejects a status it does not know rather than guessing', () => {
    assert.throws(() => parseHistory('[{"revision":1,"updated":"x","status":"exploded","chart":"a-1"}]'), HelmOutputError);
  });

  it('rejects output that is not JSON', () => {
    assert.throws(() => parseHistory('REVISION UPDATED'), /not JSON/);
  });
});

describe('parseList', () => {
  it('turns helm list\'s string revision into a number', () => {
    assert.deepEqual(parseList(LIST), [{
      name: 'slow', namespace: 'cap-helm3', revision: 4, updated: '2026-11-24 06:35:33.251979809 +0000 UTC', status: 'deployed', chart: 'never-ready-1.0.0', appVersion: '1.0.0',
    }]);
  });
});

describe('parseRelease', () => {
  it('reads status, revision and the test hooks that have run', () => {
    const release = parseRelease('status', STATUS);
    assert.equal(release.revision, 2);
    assert.equal(release.status, 'deployed');
    assert.equal(release.chart, undefined);
    assert.deepEqual(release.tests, [{ name: 'web-app-test', phase: 'Succeeded' }]);
  });

  it('reads the chart of an install or upgrade', () => {
    const release = parseRelease('install', INSTALL);
    assert.deepEqual(release.chart, { name: 'app', version: '1.0.0', appVersion: '1.0.0' });
    assert.equal(release.description, 'Install complete');
  });

  it('says which field is wrong', () => {
    assert.throws(() => parseRelease('status', '{"name":"x","namespace":"y","version":"2","info":{"status":"deployed"}}'), /\/version/);
  });
});

describe('parseValues', () => {
  it('reads null, helm\'s answer for a release without values, as no values', () => {
    assert.deepEqual(parseValues('null'), {});
    assert.deepEqual(parseValues('{"config":{"a":1},"gone":null}'), { config: { a: 1 }, gone: null });
  });
});

describe('parseTestRuns', () => {
  it('reads one run per TEST SUITE block', () => {
    const stdout = 'NAME: web\nSTATUS: deployed\nREVISION: 1\nTEST SUITE:     web-app-test\nLast Started:   Tue Nov 24 06:35:35 2026\n'
      + 'Last Completed: Tue Nov 24 06:35:35 2026\nPhase:          Failed\nTEST SUITE:     other\nLast Started: x\nPhase:          Succeeded\n';
    // helm prints its local time (Go's time.ANSIC); capstan records RFC 3339.
    const at = new Date(2026, 10, 24, 6, 35, 35).toISOString();
    assert.deepEqual(parseTestRuns(stdout), [
      { name: 'web-app-test', phase: 'Failed', startedAt: at, completedAt: at },
      { name: 'other', phase: 'Succeeded' },
    ]);
  });

  it('reads a day of the month padded with a space', () => {
    const stdout = 'TEST SUITE: t\nLast Started:   Tue Nov  3 06:35:35 2026\nPhase: Succeeded\n';
    assert.deepEqual(parseTestRuns(stdout), [{ name: 't', phase: 'Succeeded', startedAt: new Date(2026, 10, 3, 6, 35, 35).toISOString() }]);
  });

  it('reads a chart without tests as no runs', () => {
    assert.deepEqual(parseTestRuns('NAME: web\nTEST SUITE: None\n'), []);
  });
});
