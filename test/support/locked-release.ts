// Leaves a Helm release as a helm killed mid-way leaves it, by writing its storage Secret the way
// helm does (src/helm/release-storage.ts reads it back).
import { decodeRelease, encodeRelease, releaseSecretName } from '../../src/helm/release-storage.ts';
import { kubectl, kubectlJson } from './kubectl.ts';

interface ReleaseSecret {
  metadata: { labels: Record<string, string>; resourceVersion?: string };
  data: { release: string };
}

/**
 * A new revision pending-install/upgrade/rollback with the content of `revision` (numbered
 * `as`, default the next one), or `revision` itself uninstalling, written just now. Returns the
 * locked revision.
 */
export async function leaveLocked(namespace: string, release: string, revision: number, status: string, as = revision + 1): Promise<number> {
  const secret = await kubectlJson<ReleaseSecret>(['get', 'secret', releaseSecretName(release, revision), '-n', namespace]);
  const stored = decodeRelease(secret.data.release);
  const now = new Date().toISOString();
  const uninstalling = status === 'uninstalling';
  const locked = uninstalling ? revision : as;
  const info = { ...stored.info, status, description: 'left by a test', ...(uninstalling ? { deleted: now } : { last_deployed: now }) };
  const body = {
    apiVersion: 'v1', kind: 'Secret', type: 'helm.sh/release.v1',
    metadata: {
      name: releaseSecretName(release, locked), namespace,
      labels: { ...secret.metadata.labels, status, version: String(locked) },
      ...(uninstalling ? { resourceVersion: secret.metadata.resourceVersion } : {}),
    },
    data: { release: encodeRelease({ ...stored, version: locked, info }) },
  };
  await kubectl([uninstalling ? 'replace' : 'create', '-f', '-'], { input: JSON.stringify(body) });
  return locked;
}
