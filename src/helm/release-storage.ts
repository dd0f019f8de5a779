// Helm's release storage, driver "secret" (the default of helm 3 and helm 4): one Secret per
// revision, `sh.helm.release.v1.<name>.v<revision>`, whose `release` key holds base64(gzip(JSON))
// of the release, and whose labels (owner, name, version, status, modifiedAt) mirror it. helm has
// no command to unlock a release left pending by a crash, so capstan edits this record itself, as
// Flux's helm-controller does: only the status and description change, every other byte of the
// release stays as helm wrote it; or, for a rollback cut short, the unfinished revision goes.
import { gunzipSync, gzipSync } from 'node:zlib';
import type { KubeClient } from '../kube/client.ts';
import { CORE, objectPath, type KubeObject } from '../kube/resource.ts';

export interface ReleaseInfo {
  status?: string;
  description?: string;
  /** RFC 3339: when the install, upgrade or rollback of this revision began. */
  last_deployed?: string;
  /** RFC 3339: when an uninstall began (empty or absent otherwise). */
  deleted?: string;
}

/** One stored revision: the Secret (for its resourceVersion) and the decoded release. */
export interface StoredRelease {
  secret: KubeObject & { data?: Record<string, string>; type?: string };
  release: Record<string, unknown> & { info?: ReleaseInfo };
}

const GZIP_MAGIC = [0x1f, 0x8b];

export function releaseSecretName(name: string, revision: number): string {
  return `sh.helm.release.v1.${name}.v${revision}`;
}

// JSON.rawJSON and the reviver's source text are in Node 24 (V8) but not yet in TypeScript's lib.
type Reviver = (key: string, value: unknown, context: { source?: string }) => unknown;
const rawJson = (JSON as unknown as { rawJSON: (text: string) => unknown }).rawJSON;
const parseExact = JSON.parse as (text: string, reviver: Reviver) => unknown;

/**
 * The release from a Secret's `release` value (as the API returns it: base64 of helm's own
 * base64). Numbers are kept as written, so values beyond 2^53 survive a rewrite unchanged.
 */
export function decodeRelease(data: string): StoredRelease['release'] {
  const bytes = Buffer.from(Buffer.from(data, 'base64').toString('latin1'), 'base64');
  // helm reads both gzipped and plain JSON (the latter from very old releases).
  const json = bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1] ? gunzipSync(bytes) : bytes;
  return parseExact(json.toString('utf8'), (_key, value, context) =>
    (typeof value === 'number' && context.source !== undefined ? rawJson(context.source) : value)) as StoredRelease['release'];
}

/** The inverse of decodeRelease: the Secret's `release` value for this release. */
export function encodeRelease(release: StoredRelease['release']): string {
  const helmText = gzipSync(Buffer.from(JSON.stringify(release), 'utf8')).toString('base64');
  return Buffer.from(helmText, 'latin1').toString('base64');
}

/** Reads one revision fresh from the API server (never cached: it carries the rendered manifest and values). */
export async function readRelease(client: KubeClient, namespace: string, name: string, revision: number): Promise<StoredRelease | undefined> {
  const secret = await client.getIfExists<StoredRelease['secret']>(objectPath(CORE.Secret, namespace, releaseSecretName(name, revision)));
  const data = secret?.data?.release;
  if (secret === undefined || data === undefined) return undefined;
  return { secret, release: decodeRelease(data) };
}

/**
 * Rewrites a revision with a new status and description, as helm would (labels included), with
 * the resourceVersion read: if anything wrote the Secret since (helm finishing after all), the
 * API server answers Conflict and nothing is overwritten.
 */
export async function setReleaseStatus(client: KubeClient, stored: StoredRelease, status: string, description: string, now: Date): Promise<void> {
  const release = { ...stored.release, info: { ...stored.release.info, status, description } };
  const { secret } = stored;
  const labels = { ...secret.metadata.labels, status, modifiedAt: String(Math.floor(now.getTime() / 1000)) };
  await client.request('PUT', objectPath(CORE.Secret, secret.metadata.namespace, secret.metadata.name), {
    body: { ...secret, metadata: { ...secret.metadata, labels }, data: { ...secret.data, release: encodeRelease(release) } },
  });
}

/**
 * Deletes a revision that never finished, on the condition that nobody wrote it since it was read
 * (the API server answers Conflict otherwise, and the revision stays).
 */
export async function deleteRelease(client: KubeClient, stored: StoredRelease): Promise<void> {
  const { secret } = stored;
  await client.request('DELETE', objectPath(CORE.Secret, secret.metadata.namespace, secret.metadata.name), {
    body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: secret.metadata.uid, resourceVersion: secret.metadata.resourceVersion } },
  });
}
