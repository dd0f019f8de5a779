// URL shapes: where index.yaml and charts are fetched from, and OCI references, tags and challenges.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveChartUrl } from '../../../src/source/chart-download.ts';
import { indexUrl } from '../../../src/source/index-fetch.ts';
import { nextPage, parseChallenge, parseOciUrl, tagToVersion } from '../../../src/source/oci-tags.ts';

describe('indexUrl', () => {
  const table: [string, string][] = [
    ['https://charts.example', 'https://charts.example/index.yaml'],
    ['https://charts.example/', 'https://charts.example/index.yaml'],
    ['https://charts.example/stable//', 'https://charts.example/stable/index.yaml'],
    ['https://charts.example/x?token=1', 'https://charts.example/x/index.yaml?token=1'],
  ];
  for (const [repo, expected] of table) it(`fetches ${expected} for ${repo}`, () => { assert.equal(indexUrl(repo), expected); });
});

describe('resolveChartUrl', () => {
  const table: [string, string, string][] = [
    ['https://charts.example/stable', 'app-1.0.0.tgz', 'https://charts.example/stable/app-1.0.0.tgz'],
    ['https://charts.example/stable/', 'charts/app-1.0.0.tgz', 'https://charts.example/stable/charts/app-1.0.0.tgz'],
    ['https://charts.example/stable', '/root/app.tgz', 'https://charts.example/root/app.tgz'],
    ['https://charts.example/stable?sig=1', 'app.tgz', 'https://charts.example/stable/app.tgz?sig=1'],
    ['https://charts.example/stable', 'https://cdn.example/app.tgz', 'https://cdn.example/app.tgz'],
  ];
  for (const [repo, chart, expected] of table) it(`resolves ${chart} against ${repo}`, () => { assert.equal(resolveChartUrl(repo, chart), expected); });
});

describe('OCI references', () => {
  it('splits oci://host:port/path into host and repository path', () => {
    assert.deepEqual(parseOciUrl('oci://127.0.0.1:5000/charts/stable'), { host: '127.0.0.1:5000', path: 'charts/stable' });
    assert.deepEqual(parseOciUrl('oci://registry.example'), { host: 'registry.example', path: '' });
    assert.throws(() => parseOciUrl('https://registry.example/charts'), /oci:\/\/host/);
  });

  const tags: [string, string | undefined][] = [
    ['1.2.3', '1.2.3'], ['1.2.3-rc.1', '1.2.3-rc.1'], ['1.2.3_build.7', '1.2.3+build.7'],
    ['latest', undefined], ['v1.2.3', undefined], ['1.2', undefined], ['sha256-abc.sig', undefined], ['01.2.3', undefined],
  ];
  for (const [tag, version] of tags) {
    it(`reads tag ${tag} as ${version ?? 'no version'}`, () => { assert.equal(tagToVersion(tag), version); });
  }

  it('parses a Bearer challenge with quoted parameters', () => {
    assert.deepEqual(parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:charts/app:pull"'), {
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:charts/app:pull' },
    });
    assert.deepEqual(parseChallenge('Basic realm="Registry Realm"'), { scheme: 'basic', params: { realm: 'Registry Realm' } });
  });

  it('follows the Link header to the next page of tags', () => {
    assert.equal(nextPage('</v2/charts/app/tags/list?last=1.0.0&n=100>; rel="next"', 'http://r.example/v2/charts/app/tags/list'), 'http://r.example/v2/charts/app/tags/list?last=1.0.0&n=100');
    assert.equal(nextPage(undefined, 'http://r.example/'), undefined);
  });
});
