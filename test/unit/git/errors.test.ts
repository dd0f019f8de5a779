// How git failures are classified, and what reaches git's environment (not its command line).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyGitFailure, gitSays, maskUrl } from '../../../src/git/errors.ts';
import { gitEnv, sshCommand } from '../../../src/git/process.ts';

const URL = 'https://user:s3cret@git.example.com/team/app.git';

describe('classifyGitFailure', () => {
  // stderr captured from git 2.39 against git-http-backend.
  const rows: [string, string, RegExp][] = [
    ["fatal: could not read Username for 'https://git.example.com': terminal prompts disabled\n", 'AuthenticationFailed', /refused the credentials.*secretRef/],
    ["fatal: Authentication failed for 'https://git.example.com/team/app.git/'\n", 'AuthenticationFailed', /secretRef/],
    ["fatal: repository 'https://git.example.com/team/app.git/' not found\n", 'RepositoryNotFound', /check spec.url/],
    ['fatal: couldn\'t find remote ref refs/heads/nope\n', 'RefNotFound', /refs\/heads\/nope.*check spec.ref/],
    ['fatal: remote error: upload-pack: not our ref 1234567890123456789012345678901234567890\n', 'RefNotFound', /not our ref/],
    ["fatal: unable to access 'https://git.example.com/team/app.git/': Failed to connect to git.example.com port 443 after 0 ms: Couldn't connect to server\n", 'FetchFailed', /cannot reach https:\/\/git\.example\.com\/team\/app\.git \(.*Failed to connect.*\): check the host and port/],
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

describe('classifyGitFailure over SSH', () => {
  const SSH_URL = 'ssh://git@git.example.com:2222/team/app.git';
  const GIT_SAYS = 'fatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.\n';
  // stderr captured from git 2.39 with OpenSSH 9.2 against sshd 9.2.
  const rows: [string, string, RegExp][] = [
    ['No ED25519 host key is known for [git.example.com]:2222 and you have requested strict checking.\r\nHost key verification failed.\r\n',
      'HostKeyVerificationFailed', /host key of git\.example\.com:2222 does not match known_hosts in the spec.secretRef Secret apps\/git-ssh \(No ED25519 host key is known.*"\[git\.example\.com\]:2222 <type> <key>" \(ssh-keyscan -p 2222 git\.example\.com/],
    ['@@@@@@@@@@@\r\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\nThe fingerprint for the ED25519 key sent by the remote host is\nSHA256:FpoxbeO/A9woOL/3d6lhzIn+wvVLx+tuOKTnbNh54JU.\r\n' +
      'Add correct host key in /tmp/git-x/known_hosts to get rid of this message.\r\nHost key for [git.example.com]:2222 has changed and you have requested strict checking.\r\nHost key verification failed.\r\n',
      'HostKeyVerificationFailed', /has changed.*The server sent SHA256:FpoxbeO\/A9woOL\/3d6lhzIn\+wvVLx\+tuOKTnbNh54JU\./],
    ['git@git.example.com: Permission denied (publickey).\r\n', 'AuthenticationFailed', /git\.example\.com:2222 refused the SSH key .*identity in the spec.secretRef Secret apps\/git-ssh/],
    ['Load key "/tmp/git-x/identity": error in libcrypto\r\ngit@git.example.com: Permission denied (publickey).\r\n', 'AuthenticationFailed', /cannot load the private key .*\(error in libcrypto\)/],
    ['ssh: connect to host git.example.com port 2222: Connection refused\r\n', 'FetchFailed', /cannot reach the SSH server git\.example\.com:2222 \(connect to host .* Connection refused\): check the host and port/],
    ['ssh: Could not resolve hostname git.example.com: Name or service not known\r\n', 'FetchFailed', /Could not resolve hostname.*check the host and port in spec\.url/],
    ["fatal: '/srv/git/team/app.git' does not appear to be a git repository\n", 'RepositoryNotFound', /check spec\.url/],
  ];
  for (const [stderr, reason, message] of rows) {
    it(`${reason}: ${stderr.trim().slice(0, 60)}`, () => {
      const error = classifyGitFailure({ operation: 'ls-remote', url: SSH_URL, stderr: stderr + GIT_SAYS, secret: 'apps/git-ssh' });
      assert.equal(error.reason, reason);
      assert.match(error.message, message);
      assert.doesNotMatch(error.message, /\/tmp\/git-x/, 'no temporary paths');
    });
  }
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
    const env = gitEnv({ username: 'u', password: 'p' }, { caFile: '/tmp/ca.crt' }, '/tmp/home');
    assert.equal(env.GIT_CONFIG_COUNT, '2');
    assert.equal(env.GIT_CONFIG_KEY_0, 'http.extraHeader');
    assert.equal(env.GIT_CONFIG_VALUE_0, `Authorization: Basic ${Buffer.from('u:p').toString('base64')}`);
    assert.deepEqual([env.GIT_CONFIG_KEY_1, env.GIT_CONFIG_VALUE_1], ['http.followRedirects', 'false']);
    assert.equal(env.GIT_SSL_CAINFO, '/tmp/ca.crt');
    assert.equal(env.GIT_TERMINAL_PROMPT, '0');
    assert.equal(env.GIT_CONFIG_NOSYSTEM, '1');
  });

  it('runs ssh strictly, with the key and known_hosts as files', () => {
    const command = gitEnv({ identity: 'KEY MATERIAL' }, { identityFile: '/tmp/g x/identity', knownHostsFile: '/tmp/g x/known_hosts' }, '/h', 7).GIT_SSH_COMMAND ?? '';
    assert.match(command, /^ssh -F \/dev\/null /);
    for (const option of ['BatchMode=yes', 'StrictHostKeyChecking=yes', 'IdentitiesOnly=yes', 'IdentityAgent=none', 'GlobalKnownHostsFile=/dev/null', 'ConnectTimeout=7',
      'UserKnownHostsFile=/tmp/g x/known_hosts', 'IdentityFile=/tmp/g x/identity']) {
      assert.ok(command.includes(`-o '${option}'`), option);
    }
    assert.doesNotMatch(command, /KEY MATERIAL/);
  });

  it('gives ssh no known host and no key without SSH access', () => {
    const command = sshCommand(undefined, undefined, 30);
    assert.match(command, /UserKnownHostsFile=\/dev\/null/);
    assert.doesNotMatch(command, /IdentityFile/);
  });

  it('sends a bearer token as such, and nothing without credentials', () => {
    assert.equal(gitEnv({ bearerToken: 't0k' }, {}, '/h').GIT_CONFIG_VALUE_0, 'Authorization: Bearer t0k');
    const none = gitEnv({}, {}, '/h');
    assert.equal(none.GIT_CONFIG_COUNT, undefined);
    assert.equal(none.GIT_SSL_CAINFO, undefined);
  });
});
