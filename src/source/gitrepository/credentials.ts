// A GitRepository's credentials and CA, read from the Secret spec.secretRef names.
import type { GitRepository } from '../../api/objects.ts';
import type { GitAccess } from '../../git/process.ts';
import type { KubeClient } from '../../kube/client.ts';
import { readSecret, SecretNotFoundError } from '../../kube/secrets.ts';
import { RepositorySecretError } from '../helmrepository/credentials.ts';

/**
 * Credentials written into the URL (`https://user:token@host/…`) would reach git's command line:
 * they are taken out of it and sent like a Secret's, unless the Secret has its own.
 */
export function splitUrlCredentials(url: string): { url: string; access: GitAccess } {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed || (parsed.username === '' && parsed.password === '')) return { url, access: {} };
  const access = { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), access };
}

export async function gitAccess(client: KubeClient, repo: GitRepository): Promise<GitAccess> {
  if (!repo.spec.secretRef) return {};
  const namespace = repo.metadata.namespace ?? 'default';
  const name = `${namespace}/${repo.spec.secretRef.name}`;
  let data: Record<string, string>;
  try {
    data = await readSecret(client, namespace, repo.spec.secretRef.name);
  } catch (err) {
    if (err instanceof SecretNotFoundError) throw new RepositorySecretError(err.message, { cause: err });
    throw err;
  }
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
