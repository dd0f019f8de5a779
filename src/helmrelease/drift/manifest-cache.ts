// Release manifests by (namespace, name, revision): a revision's manifest never changes, so each
// is read from its Secret once and kept, parsed, in a small LRU bounded by manifest bytes. The
// Secret itself (chart files, values) is dropped as soon as the manifest is out.
import type { KubeClient } from '../../kube/client.ts';
import { isApiError } from '../../kube/errors.ts';
import { CORE, objectPath } from '../../kube/resource.ts';
import { decodeRelease, parseManifest, releaseSecretName, ReleaseManifestError, type ManifestObject } from './release-manifest.ts';

export interface ReleaseRevision {
  namespace: string;
  name: string;
  revision: number;
}

interface Entry {
  objects: ManifestObject[];
  bytes: number;
}

export interface ManifestCacheOptions {
  /** Sum of the cached manifests' lengths (default 16 MiB); parsed objects take a few times that. */
  maxBytes?: number;
}

export class ManifestCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxBytes: number;
  private bytes = 0;

  constructor(options: ManifestCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  }

  /** The objects of a release revision; `read` gives its manifest text when it is not cached. */
  async objects(release: ReleaseRevision, read: () => Promise<string>): Promise<ManifestObject[]> {
    const key = `${release.namespace}/${release.name}/${String(release.revision)}`;
    const hit = this.entries.get(key);
    if (hit) {
      // Map order is insertion order: re-inserting marks the entry as the most recently used.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.objects;
    }
    const manifest = await read();
    const objects = parseManifest(manifest, `release ${release.namespace}/${release.name} revision ${String(release.revision)}`);
    this.put(key, { objects, bytes: manifest.length });
    return objects;
  }

  get size(): number {
    return this.entries.size;
  }

  private put(key: string, entry: Entry): void {
    if (entry.bytes > this.maxBytes || this.entries.has(key)) return;
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    for (const [oldest, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= old.bytes;
    }
  }
}

/** The manifest of a release revision, from its Secret; `client` is the HelmRelease's (impersonating) client. */
export async function readReleaseManifest(client: KubeClient, release: ReleaseRevision): Promise<string> {
  const { namespace } = release;
  const secret = releaseSecretName(release.name, release.revision);
  const what = `Secret ${namespace}/${secret}`;
  let data: string | undefined;
  try {
    data = (await client.request<{ data?: Record<string, string> }>('GET', objectPath(CORE.Secret, namespace, secret))).data?.release;
  } catch (err) {
    if (isApiError(err, 'NotFound')) throw new ReleaseManifestError(`${what} (helm's record of the release) does not exist: was the release changed while drift was checked?`);
    throw err;
  }
  if (data === undefined) throw new ReleaseManifestError(`${what} has no key release: it was not written by helm`);
  return decodeRelease(data, what);
}
