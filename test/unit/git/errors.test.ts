// How git failures are classified, and what reaches git's environment (not its command line).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyGitFailure, gitSays, maskUrl } from '../../../src/git/errors.ts';
import { gitEnv } from '../../../src/git/process.ts';

const URL = 'https://user:s3cret@git.example.com/team/app.git';

describe('classifyGitFailure', () => {
  // stderr captured from git 2.39 against git-http-backend.
  const rows: [string, string, RegExp][] = [
    ["fatal: could not read Username for 'https://git.example.com': terminal prompts disabled\n", 'AuthenticationFailed', /refused the credentials.*secretRef/],
    ["fatal: Authentication failed for 'https://git.example.com/team/app.git/'\n", 'AuthenticationFailed', /secretRef/],
    ["fatal: repository 'https://git.example.com/team/app.git/' not found\n", 'RepositoryNotFound', /check spec.url/],
    ['fatal: couldn\'t find remote ref refs/heads/nope\n', 'RefNotFound', /refs\/heads\/nope.*check spec.ref/],
    ['fatal: remote error: upload-pack: not our ref 1234567890123456789012345678901234567890\n', 'RefNotFound', /not our ref/],
    ["fatal: unable to access 'https://git.example.com/team/app.git/': Failed to connect to git.example.com port 443 after 0 ms: Couldn't connect to server\n", 'FetchFailed', /Failed to connect/],
    ["fatal: unable to access 'https://git.example.com/x/': server certificate verification failed. CAfile: none CRLfile: none\n", 'FetchFailed', /caFile/],
  ];
  for (const [stderr, reason, message] of rows) {
    it(`${reason}: ${stderr.trim().slice(0, 60)}`, () => {
      const error = classifyGitFailure({ operation: 'fetch', url: URL, stderr });
      assert.equal(error.reason, reason);
      assert.match(error.message, message);
      assert.doesNotMatch(error.message, /s3cret/);
    });
  }

  it('says which deadline passed', () => {
    const error = classifyGitFailure({ operation: 'ls-remote', url: URL, stderr: '', timedOutAfterMs: 60_000 });
    assert.equal(error.reason, 'FetchFailed');
    assert.match(error.message, /within 60s.*spec.timeout/);
  });
});

describe('maskUrl and gitSays', () => {
  it('drops user info from URLs, also inside git\'s words', () => {
    assert.equal(maskUrl(URL), 'https://git.example.com/team/app.git');
    assert.equal(maskUrl('https://git.example.com/x'), 'https://git.example.com/x');
    assert.equal(gitSays(`warning: x\nfatal: unable to access '${URL}/': boom\n`), "unable to access 'https://git.example.com/team/app.git/': boom");
  });
});

describe('gitEnv', () => {
  it('passes basic credentials as an extra header in GIT_CONFIG_* and pins redirects', () => {
    const env = gitEnv({ username: 'u', password: 'p' }, '/tmp/ca.crt', '/tmp/home');
    assert.equal(env.GIT_CONFIG_COUNT, '2');
    assert.equal(env.GIT_CONFIG_KEY_0, 'http.extraHeader');
    assert.equal(env.GIT_CONFIG_VALUE_0, `Authorization: Basic ${Buffer.from('u:p').toString('base64')}`);
    assert.deepEqual([env.GIT_CONFIG_KEY_1, env.GIT_CONFIG_VALUE_1], ['http.followRedirects', 'false']);
    assert.equal(env.GIT_SSL_CAINFO, '/tmp/ca.crt');
    assert.equal(env.GIT_TERMINAL_PROMPT, '0');
    assert.equal(env.GIT_CONFIG_NOSYSTEM, '1');
  });

  it('sends a bearer token as such, and nothing without credentials', () => {
    assert.equal(gitEnv({ bearerToken: 't0k' }, undefined, '/h').GIT_CONFIG_VALUE_0, 'Authorization: Bearer t0k');
    const none = gitEnv({}, undefined, '/h');
    assert.equal(none.GIT_CONFIG_COUNT, undefined);
    assert.equal(none.GIT_SSL_CAINFO, undefined);
  });
});
