// A HelmRepository's credentials and TLS material, read from the Secrets it names.
import type { HelmRepository } from '../../api/objects.ts';
import type { KubeClient } from '../../kube/client.ts';
import { readSecret, SecretNotFoundError } from '../../kube/secrets.ts';
import type { Credentials, TlsOptions } from '../http-get.ts';

export class RepositorySecretError extends Error {
  override readonly name = 'RepositorySecretError';
  readonly reason = 'AuthenticationFailed';
}

export interface RepositoryAccess {
  credentials?: Credentials;
  tls?: TlsOptions;
}

export async function repositoryAccess(client: KubeClient, repo: HelmRepository): Promise<RepositoryAccess> {
  const namespace = repo.metadata.namespace ?? 'default';
  const access: RepositoryAccess = {};
  try {
    if (repo.spec.secretRef) {
      const data = await readSecret(client, namespace, repo.spec.secretRef.name);
      if (data.username === undefined || data.password === undefined) {
        throw new RepositorySecretError(`Secret ${namespace}/${repo.spec.secretRef.name} needs the keys username and password`);
      }
      access.credentials = { username: data.username, password: data.password };
    }
    if (repo.spec.certSecretRef) {
      const data = await readSecret(client, namespace, repo.spec.certSecretRef.name);
      if ((data['tls.crt'] === undefined) !== (data['tls.key'] === undefined)) {
        throw new RepositorySecretError(`Secret ${namespace}/${repo.spec.certSecretRef.name} needs both tls.crt and tls.key, or neither`);
      }
      access.tls = { ca: data['ca.crt'], cert: data['tls.crt'], key: data['tls.key'] };
    }
  } catch (err) {
    if (err instanceof SecretNotFoundError) throw new RepositorySecretError(err.message, { cause: err });
    throw err;
  }
  return access;
}
