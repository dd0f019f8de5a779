// The manifest of one Helm release revision, read from helm's own storage (the Secret
// sh.helm.release.v1.<name>.v<revision>) instead of spawning `helm get manifest`: its `release`
// key holds base64(gzip(JSON)) (one more base64 in the API's data), and the JSON's `manifest` is
// the rendered objects helm applied, hooks and crds/ left out.
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { readValuesDocument } from '../values/read-yaml.ts';
import { YamlReadError } from '../values/yaml-error.ts';
import { isJsonObject, type JsonObject } from './pointer.ts';

const unzip = promisify(gunzip);
const GZIP_MAGIC = [0x1f, 0x8b];

export class ReleaseManifestError extends Error {
  override readonly name = 'ReleaseManifestError';
}

/** One object of the manifest, as helm rendered it (apiVersion, kind and metadata.name checked). */
export interface ManifestObject extends JsonObject {
  apiVersion: string;
  kind: string;
  metadata: JsonObject & { name: string; namespace?: string };
}

export function releaseSecretName(name: string, revision: number): string {
  return `sh.helm.release.v1.${name}.v${String(revision)}`;
}

/** The manifest text of a release Secret's `release` value as the API returns it (base64 of helm's base64). */
export async function decodeRelease(data: string, what: string): Promise<string> {
  let payload = Buffer.from(Buffer.from(data, 'base64').toString('latin1'), 'base64');
  // helm reads uncompressed releases too (written by very old versions).
  if (payload[0] === GZIP_MAGIC[0] && payload[1] === GZIP_MAGIC[1]) payload = await unzip(payload);
  let release: unknown;
  try {
    release = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new ReleaseManifestError(`${what} does not hold a Helm release (not JSON): was it written by helm?`);
  }
  const manifest = isJsonObject(release) ? release.manifest : undefined;
  if (typeof manifest !== 'string') throw new ReleaseManifestError(`${what} holds a Helm release without a manifest`);
  return manifest;
}

/** The objects of a manifest, split as helm splits it (a line `---` between documents). */
export function parseManifest(manifest: string, what: string): ManifestObject[] {
  const objects: ManifestObject[] = [];
  for (const [i, doc] of manifest.split(/(?:^|\n)---[^\n]*(?=\n|$)/).entries()) {
    let value: JsonObject;
    try {
      value = readValuesDocument(doc);
    } catch (err) {
      if (err instanceof YamlReadError) throw new ReleaseManifestError(`${what}: document ${String(i)} is not valid YAML: ${err.redacted}`);
      throw err;
    }
    if (Object.keys(value).length === 0) continue;
    if (!isManifestObject(value)) throw new ReleaseManifestError(`${what}: document ${String(i)} is not a Kubernetes object (apiVersion, kind and metadata.name are required)`);
    objects.push(value);
  }
  return objects;
}

function isManifestObject(value: JsonObject): value is ManifestObject {
  return typeof value.apiVersion === 'string' && typeof value.kind === 'string' &&
    isJsonObject(value.metadata) && typeof value.metadata.name === 'string' &&
    (value.metadata.namespace === undefined || typeof value.metadata.namespace === 'string');
}
