// A tenant's service account for delegation tests: HelmReleases with serviceAccountName act as it,
// so what it may do is what RBAC grants it (the namespace's built-in `admin` role, nothing cluster-wide).
import { kubectl } from './kubectl.ts';
import { waitFor } from './wait.ts';

export interface Tenant {
  /** The service account's name, for spec.serviceAccountName. */
  serviceAccount: string;
  /** Takes the namespace rights away again (the service account stays), once the API server's authorizer says so. */
  revoke: () => Promise<void>;
  /** Gives them back after revoke, once the API server's authorizer says so. */
  grant: () => Promise<void>;
  /** Waits until the API server's authorizer answers `allowed` for the tenant and `verb` on `resource` in the namespace. */
  waitAllowed: (verb: string, resource: string, allowed: boolean) => Promise<void>;
}

/**
 * Waits until the API server's authorizer answers `allowed` for `serviceAccount` and `verb` on
 * `resource` in `namespace`: it sees a binding change a moment after it is made, and acting before
 * would test the old rights.
 */
export async function waitAllowed(namespace: string, serviceAccount: string, verb: string, resource: string, allowed: boolean): Promise<void> {
  const answer = allowed ? 'yes' : 'no';
  await waitFor(`${serviceAccount}'s "can-i ${verb} ${resource}" to be ${answer}`, async () => ((await kubectl(['auth', 'can-i', verb, resource, '-n', namespace,
    `--as=system:serviceaccount:${namespace}:${serviceAccount}`], { check: false })).stdout.trim() === answer ? true : undefined), { timeoutMs: 30_000 });
}

export async function namespaceAdmin(namespace: string, serviceAccount = 'tenant'): Promise<Tenant> {
  const binding = `${serviceAccount}-admin`;
  const allowed = (verb: string, resource: string, yes: boolean) => waitAllowed(namespace, serviceAccount, verb, resource, yes);
  const grant = async () => {
    await kubectl(['create', 'rolebinding', binding, '-n', namespace, '--clusterrole=admin', `--serviceaccount=${namespace}:${serviceAccount}`]);
    await allowed('delete', 'deployments.apps', true);
  };
  await kubectl(['create', 'serviceaccount', serviceAccount, '-n', namespace]);
  await grant();
  return {
    serviceAccount,
    revoke: async () => {
      await kubectl(['delete', 'rolebinding', binding, '-n', namespace]);
      await allowed('list', 'secrets', false);
    },
    grant,
    waitAllowed: allowed,
  };
}
