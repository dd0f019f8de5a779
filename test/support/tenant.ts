// A tenant's service account for delegation tests: HelmReleases with serviceAccountName act as it,
// so what it may do is what RBAC grants it (the namespace's built-in `admin` role, nothing cluster-wide).
import { kubectl } from './kubectl.ts';

export interface Tenant {
  /** The service account's name, for spec.serviceAccountName. */
  serviceAccount: string;
  /** Takes the namespace rights away again (the service account stays). */
  revoke: () => Promise<void>;
  /** Gives them back after revoke. */
  grant: () => Promise<void>;
}

export async function namespaceAdmin(namespace: string, serviceAccount = 'tenant'): Promise<Tenant> {
  const binding = `${serviceAccount}-admin`;
  const grant = async () => {
    await kubectl(['create', 'rolebinding', binding, '-n', namespace, '--clusterrole=admin', `--serviceaccount=${namespace}:${serviceAccount}`]);
  };
  await kubectl(['create', 'serviceaccount', serviceAccount, '-n', namespace]);
  await grant();
  return {
    serviceAccount,
    revoke: async () => { await kubectl(['delete', 'rolebinding', binding, '-n', namespace]); },
    grant,
  };
}
