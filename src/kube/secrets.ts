// Reads a Secret's data for a reconciler (repository credentials, TLS material, values).
// The decoded values stay in memory only: they are never logged, put in status or events.
import type { KubeClient } from './client.ts';
import { ApiError, isApiError } from './errors.ts';
import { CORE, objectPath } from './resource.ts';

export class SecretNotFoundError extends Error {
  override readonly name = 'SecretNotFoundError';
}

interface SecretObject {
  data?: Record<string, string>;
}

/** The Secret's keys, base64-decoded. */
export async function readSecret(client: KubeClient, namespace: string, name: string): Promise<Record<string, string>> {
  try {
    const secret = await client.request<SecretObject>('GET', objectPath(CORE.Secret, namespace, name));
    return Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  } catch (err) {
    if (isApiError(err, 'NotFound')) throw new SecretNotFoundError(`Secret ${namespace}/${name} does not exist: create it or fix the reference`);
    if (err instanceof ApiError && err.reason === 'Forbidden') throw new SecretNotFoundError(`Secret ${namespace}/${name} cannot be read: ${err.message}`);
    throw err;
  }
}
