// What every CLI command starts from: the cluster and namespace that kubectl would use with the
// same --kubeconfig, --context and -n flags.
import { KubeClient } from '../kube/client.ts';
import { KubeConfigError, loadKubeConfig } from '../kube/config.ts';

export interface GlobalOptions {
  kubeconfig?: string | undefined;
  context?: string | undefined;
  namespace?: string | undefined;
  allNamespaces?: boolean | undefined;
}

export interface Session {
  client: KubeClient;
  /** Given to helm (capstan diff); unset: helm finds the same kubeconfig as we did. */
  kubeconfig?: string | undefined;
  /** -n, else the context's namespace, else "default". */
  namespace: string;
  /** undefined with -A: list across all namespaces. */
  scope: string | undefined;
}

export function openSession(options: GlobalOptions): Session {
  const kc = loadKubeConfig(options.kubeconfig);
  if (options.context !== undefined) {
    if (!kc.getContextObject(options.context)) {
      const known = kc.getContexts().map((c) => c.name).join(', ');
      throw new KubeConfigError(`context "${options.context}" is not in the kubeconfig (contexts: ${known || 'none'})`);
    }
    kc.setCurrentContext(options.context);
  }
  const namespace = options.namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
  return { client: new KubeClient(kc), kubeconfig: options.kubeconfig, namespace, scope: options.allNamespaces ? undefined : namespace };
}
