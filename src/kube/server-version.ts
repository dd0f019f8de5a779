// Asks the API server who it is: the first call of the controller, so that a wrong kubeconfig
// fails at start with a clear message instead of at the first reconcile.
import type { KubeClient } from './client.ts';

export class ApiServerUnreachableError extends Error {
  override readonly name = 'ApiServerUnreachableError';
}

export async function serverVersion(client: KubeClient): Promise<string> {
  try {
    const info = await client.request<{ gitVersion: string }>('GET', '/version');
    return info.gitVersion;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ApiServerUnreachableError(`cannot reach the Kubernetes API server at ${client.server}: ${reason}`, { cause });
  }
}
