// GitRepository's pure parts: ignore patterns, ref resolution, and when a poll writes nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GitRepositoryStatus } from '../../../src/api/source.ts';
import { parseLsRemote } from '../../../src/git/commands.ts';
import { GitError } from '../../../src/git/errors.ts';
import { InvalidConstraintError } from '../../../src/source/constraint.ts';
import { splitUrlCredentials } from '../../../src/source/gitrepository/credentials.ts';
import { DEFAULT_IGNORE, ignoreMatcher } from '../../../src/source/gitrepository/ignore.ts';
import { resolveRef, revisionOf } from '../../../src/source/gitrepository/ref.ts';
import { upToDate } from '../../../src/source/gitrepository/status.ts';

describe('ignoreMatcher', () => {
  /** [patterns, path, ignored] */
  const rows: [string, string, boolean][] = [
    ['*.log', 'a.log', true],
    ['*.log', 'deep/er/a.log', true],
    ['*.log', 'a.log.txt', false],
    ['/root.txt', 'root.txt', true],
    ['/root.txt', 'sub/root.txt', false],
    ['build/', 'build/out.js', true],
    ['build/', 'src/build/out.js', true],
    ['build/', 'build', false],
    ['docs/*.md', 'docs/a.md', true],
    ['docs/*.md', 'docs/sub/a.md', false],
    ['docs/*.md', 'x/docs/a.md', false],
    ['**/tmp', 'a/b/tmp/x', true],
    ['a/**/z.yaml', 'a/z.yaml', true],
    ['a/**/z.yaml', 'a/b/c/z.yaml', true],
    ['vendor/**', 'vendor/x/y', true],
    ['file?.txt', 'file1.txt', true],
    ['file?.txt', 'file10.txt', false],
    ['file[0-9].txt', 'file7.txt', true],
    ['file[!0-9].txt', 'file7.txt', false],
    ['*.yaml\n!keep.yaml', 'keep.yaml', false],
    ['*.yaml\n!keep.yaml', 'drop.yaml', true],
    ['dir/\n!dir/keep.yaml', 'dir/keep.yaml', true],
    ['# comment\n\n\\#hash', '#hash', true],
    ['\\!bang', '!bang', true],
    ['spaced   ', 'spaced', true],
  ];
  for (const [patterns, path, ignored] of rows) {
    it(`${JSON.stringify(patterns)} ${ignored ? 'ignores' : 'keeps'} ${path}`, () => {
      assert.equal(ignoreMatcher(patterns)(path), ignored);
    });
  }

  it('leaves out VCS and CI files and images by default, and spec.ignore can take one back', () => {
    const byDefault = ignoreMatcher(DEFAULT_IGNORE);
    for (const path of ['.gitignore', 'sub/.gitattributes', '.github/workflows/ci.yml', 'img/logo.png', 'a/b/.sops.yaml', 'bundle.tar.gz']) assert.ok(byDefault(path), path);
    for (const path of ['deploy/app.yaml', 'README.md', 'chart/values.yaml']) assert.ok(!byDefault(path), path);
    assert.ok(!ignoreMatcher(DEFAULT_IGNORE, '!logo.png')('img/logo.png'));
  });
});

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const T = 'd'.repeat(40);
const REFS = parseLsRemote([
  `${A}\tHEAD`, `${A}\trefs/heads/main`, `${B}\trefs/heads/dev`,
  `${A}\trefs/tags/v1.0.0`, `${T}\trefs/tags/v1.2.0`, `${B}\trefs/tags/v1.2.0^{}`, `${C}\trefs/tags/v2.0.0`, `${C}\trefs/tags/not-semver`, `${C}\trefs/pull/42/head`, '',
].join('\n'));

describe('resolveRef', () => {
  const url = 'https://git.example.com/app.git';
  it('resolves a branch, master by default', () => {
    assert.deepEqual(resolveRef({ branch: 'dev' }, REFS, url), { label: 'dev', commit: B, fetch: 'refs/heads/dev' });
    assert.throws(() => resolveRef(undefined, REFS, url), (err: unknown) => err instanceof GitError && err.reason === 'RefNotFound' && /branch "master"/.test(err.message));
  });

  it('resolves a tag to its commit, peeling annotated tags', () => {
    assert.deepEqual(resolveRef({ tag: 'v1.2.0' }, REFS, url), { label: 'v1.2.0', commit: B, fetch: 'refs/tags/v1.2.0' });
    assert.throws(() => resolveRef({ tag: 'v9' }, REFS, url), /tag "v9" does not exist/);
  });

  it('picks the highest tag in a semver range', () => {
    assert.equal(resolveRef({ semver: '^1' }, REFS, url).label, 'v1.2.0');
    assert.equal(resolveRef({ semver: '>=1.0.0' }, REFS, url).label, 'v2.0.0');
    assert.throws(() => resolveRef({ semver: '^3' }, REFS, url), /no tag .* matches the semver range "\^3"/);
    assert.throws(() => resolveRef({ semver: 'not a range' }, REFS, url), InvalidConstraintError);
  });

  it('resolves a full reference name, a pull request head or a peeled tag', () => {
    assert.deepEqual(resolveRef({ name: 'refs/pull/42/head' }, REFS, url), { label: 'refs/pull/42/head', commit: C, fetch: 'refs/pull/42/head' });
    assert.equal(resolveRef({ name: 'refs/tags/v1.2.0' }, REFS, url).commit, B);
    assert.throws(() => resolveRef({ name: 'refs/pull/7/head' }, REFS, url), /reference refs\/pull\/7\/head does not exist .*spec\.ref\.name/);
  });

  it('fetches a commit by SHA, completing a short one from the listed heads', () => {
    assert.deepEqual(resolveRef({ commit: C }, REFS, url), { commit: C, fetch: C });
    assert.deepEqual(resolveRef({ branch: 'main', commit: 'bbbbbbb' }, REFS, url), { label: 'main', commit: B, fetch: B });
    assert.throws(() => resolveRef({ commit: 'eeeeeee' }, REFS, url), /full 40-character SHA/);
  });

  it('spells revisions as Flux does', () => {
    assert.equal(revisionOf('main', A), `main@sha1:${A}`);
    assert.equal(revisionOf(undefined, A), `sha1:${A}`);
  });
});

describe('upToDate', () => {
  const status: GitRepositoryStatus = {
    observedGeneration: 2,
    lastHandledReconcileAt: 'x',
    conditions: [{ type: 'Ready', status: 'True', reason: 'GitOperationSucceeded', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }],
    artifact: { revision: `main@sha1:${A}`, lastUpdateTime: '2026-01-01T00:00:00Z' },
  };
  const ctx = { generation: 2, now: '2026-01-02T00:00:00Z', requestedAt: 'x' };
  it('holds only for the same revision, generation and handled request, when Ready', () => {
    assert.ok(upToDate(status, `main@sha1:${A}`, ctx));
    assert.ok(!upToDate(status, `main@sha1:${B}`, ctx));
    assert.ok(!upToDate(status, `main@sha1:${A}`, { ...ctx, generation: 3 }));
    assert.ok(!upToDate(status, `main@sha1:${A}`, { ...ctx, requestedAt: 'y' }));
    assert.ok(!upToDate({ ...status, conditions: [] }, `main@sha1:${A}`, ctx));
    assert.ok(!upToDate(undefined, `main@sha1:${A}`, ctx));
  });
});

describe('splitUrlCredentials', () => {
  it('takes user info out of the URL that git is given', () => {
    assert.deepEqual(splitUrlCredentials('https://bot:t%40ken@git.example.com/app.git'), { url: 'https://git.example.com/app.git', access: { username: 'bot', password: 't@ken' } });
    assert.deepEqual(splitUrlCredentials('https://git.example.com/app.git'), { url: 'https://git.example.com/app.git', access: {} });
  });

  it('leaves the user of an ssh:// URL, which is the login name', () => {
    assert.deepEqual(splitUrlCredentials('ssh://git@git.example.com:2222/app.git'), { url: 'ssh://git@git.example.com:2222/app.git', access: {} });
  });
});
