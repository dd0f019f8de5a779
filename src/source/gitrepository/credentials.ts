// A GitRepository's credentials and CA, or its SSH key and known_hosts, read from the Secret
// spec.secretRef names.
import type { GitRepository } from '../../api/objects.ts';
import type { GitAccess } from '../../git/process.ts';
import type { KubeClient } from '../../kube/client.ts';
import { readSecret, SecretNotFoundError } from '../../kube/secrets.ts';
import { RepositorySecretError } from '../helmrepository/credentials.ts';

/**
 * Credentials written into an HTTP(S) URL (`https://user:token@host/…`) would reach git's command
 * line: they are taken out of it and sent like a Secret's, unless the Secret has its own. The user
 * of an ssh:// URL is the login name, not a credential, and stays.
 */
export function splitUrlCredentials(url: string): { url: string; access: GitAccess } {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed || !/^https?:$/.test(parsed.protocol) || (parsed.username === '' && parsed.password === '')) return { url, access: {} };
  const access = { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), access };
}

/**
 * An ssh:// URL without what SSH needs. Host keys are always verified, so without known_hosts
 * there is nothing to fetch until the Secret changes: the status says Stalled, and the reconcile is
 * still retried with backoff, so that a fixed Secret is picked up without touching the spec.
 */
export class SshSecretError extends Error {
  override readonly name = 'SshSecretError';
  readonly reason: 'HostKeyVerificationFailed' | 'AuthenticationFailed';

  constructor(reason: SshSecretError['reason'], message: string) {
    super(message);
    this.reason = reason;
  }
}

/** The commands that make the Secret an ssh:// URL needs, for messages. */
function sshSecretFix(url: string, namespace: string, secretName: string): string {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  const port = parsed?.port || '22';
  return `ssh-keyscan -p ${port} ${parsed?.hostname ?? 'HOST'} > known_hosts (check the fingerprint with the server's owner), then ` +
    `kubectl create secret generic ${secretName} -n ${namespace} --from-file=identity=./id_ed25519 --from-file=known_hosts=./known_hosts`;
}

function sshAccess(data: Record<string, string>, url: string, namespace: string, secretName: string): GitAccess {
  const name = `${namespace}/${secretName}`;
  const { identity, known_hosts: knownHosts } = data;
  if (knownHosts === undefined || knownHosts.trim() === '') {
    throw new SshSecretError('HostKeyVerificationFailed',
      `Secret ${name} has no known_hosts, and capstan never trusts an SSH host key it cannot check: add the server's host key as known_hosts: ${sshSecretFix(url, namespace, secretName)}`);
  }
  if (identity === undefined || identity.trim() === '') {
    throw new SshSecretError('AuthenticationFailed', `Secret ${name} has no identity: add the private key the server accepts as identity: ${sshSecretFix(url, namespace, secretName)}`);
  }
  return { identity, knownHosts };
}

export async function gitAccess(client: KubeClient, repo: GitRepository): Promise<GitAccess> {
  const ssh = repo.spec.url.startsWith('ssh://');
  const namespace = repo.metadata.namespace ?? 'default';
  if (!repo.spec.secretRef) {
    if (!ssh) return {};
    throw new SshSecretError('HostKeyVerificationFailed',
      `an ssh:// URL needs spec.secretRef naming a Secret with the keys identity and known_hosts: ${sshSecretFix(repo.spec.url, namespace, 'git-ssh')}, and set spec.secretRef.name: git-ssh`);
  }
  const name = `${namespace}/${repo.spec.secretRef.name}`;
  let data: Record<string, string>;
  try {
    data = await readSecret(client, namespace, repo.spec.secretRef.name);
  } catch (err) {
    if (err instanceof SecretNotFoundError) throw new RepositorySecretError(err.message, { cause: err });
    throw err;
  }
  if (ssh) return sshAccess(data, repo.spec.url, namespace, repo.spec.secretRef.name);
  const access: GitAccess = {};
  if (data.bearerToken !== undefined) {
    access.bearerToken = data.bearerToken;
  } else if (data.username !== undefined || data.password !== undefined) {
    if (data.username === undefined || data.password === undefined) throw new RepositorySecretError(`Secret ${name} needs both keys username and password`);
    access.username = data.username;
    access.password = data.password;
  }
  const ca = data.caFile ?? data['ca.crt'];
  if (ca !== undefined) access.ca = ca;
  if (Object.keys(access).length === 0) {
    throw new RepositorySecretError(`Secret ${name} has none of the keys username/password, bearerToken or caFile: add them or drop spec.secretRef`);
  }
  return access;
}
