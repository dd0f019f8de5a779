// Asks the API server who it is: the first call of the controller, so that a wrong kubeconfig
// fails at start with a clear message instead of at the first reconcile.
import { VersionApi, type KubeConfig } from '@kubernetes/client-node';

export class ApiServerUnreachableError extends Error {
  override readonly name = 'ApiServerUnreachableError';
}

export async function serverVersion(kc: KubeConfig): Promise<string> {
  const server = kc.getCurrentCluster()?.server ?? '<none>';
  try {
    const info = await kc.makeApiClient(VersionApi).getCode();
    return info.gitVersion;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ApiServerUnreachableError(`cannot reach the Kubernetes API server at ${server}: ${reason}`, { cause });
  }
}
