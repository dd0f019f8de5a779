// Where the API server is and who we are: a kubeconfig file when given, else the in-cluster
// service account, else the default kubeconfig locations (KUBECONFIG, ~/.kube/config).
import { KubeConfig } from '@kubernetes/client-node';
import { existsSync } from 'node:fs';

export class KubeConfigError extends Error {
  override readonly name = 'KubeConfigError';
}

export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  if (path) {
    if (!existsSync(path)) throw new KubeConfigError(`kubeconfig ${path} does not exist: pass --kubeconfig with the path of a readable kubeconfig`);
    kc.loadFromFile(path);
  } else if (process.env.KUBERNETES_SERVICE_HOST) {
    kc.loadFromCluster();
  } else {
    kc.loadFromDefault();
  }
  if (!kc.getCurrentCluster()) {
    throw new KubeConfigError('no cluster in the kubeconfig: pass --kubeconfig, set KUBECONFIG, or run inside a cluster');
  }
  return kc;
}
