// Reads the ConfigMaps and Secrets a HelmRelease's valuesFrom names. Their metadata is watched
// (so a change triggers an upgrade at once); their content is fetched only when referenced and
// kept while its resourceVersion is current, so an in-sync resync makes no API request. With a
// service account (DESIGN §3 Delegation) the content is read as that account, and what one
// identity read is never handed to another.
import type { ValuesReference } from '../api/helmrelease.ts';
import type { KubeClient } from '../kube/client.ts';
import { ApiError, isApiError } from '../kube/errors.ts';
import type { Informer } from '../kube/informer.ts';
import { CORE, objectPath, type KubeObject } from '../kube/resource.ts';

interface DataObject extends KubeObject {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

export interface ValuesSourceContent {
  /** The referenced key's text; undefined when the object or the key does not exist. */
  content: string | undefined;
  /** Whether the object exists at all (for the message). */
  exists: boolean;
}

/** RBAC refused the HelmRelease's service account a ConfigMap or Secret it names. */
export class ValuesForbiddenError extends Error {
  override readonly name = 'ValuesForbiddenError';
  readonly reason = 'AccessDenied';
}

interface CachedContent {
  resourceVersion: string;
  data: Record<string, string>;
}

export class ValuesSourceReader {
  private readonly client: KubeClient;
  private readonly informers: Record<'ConfigMap' | 'Secret', Informer<KubeObject>>;
  /** kind/namespace/name → reading identity ('' for capstan's own) → content. */
  private readonly cache = new Map<string, Map<string, CachedContent>>();

  constructor(client: KubeClient, configMaps: Informer<KubeObject>, secrets: Informer<KubeObject>) {
    this.client = client;
    this.informers = { ConfigMap: configMaps, Secret: secrets };
    for (const [kind, informer] of Object.entries(this.informers)) {
      informer.addHandlers({ delete: (o) => this.cache.delete(`${kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`) });
    }
  }

  /** `as`: the user to impersonate (the HelmRelease's service account), if any. */
  async read(namespace: string, ref: ValuesReference, as?: string): Promise<ValuesSourceContent> {
    const key = `${ref.kind}/${namespace}/${ref.name}`;
    const meta = this.informers[ref.kind].get(`${namespace}/${ref.name}`);
    if (!meta) return { content: undefined, exists: false };
    const resourceVersion = meta.metadata.resourceVersion ?? '';
    let byReader = this.cache.get(key);
    if (!byReader) this.cache.set(key, (byReader = new Map<string, CachedContent>()));
    let entry = byReader.get(as ?? '');
    if (entry?.resourceVersion !== resourceVersion) {
      const data = await fetchValuesData(this.client, ref.kind, namespace, ref.name, as);
      if (!data) return { content: undefined, exists: false };
      entry = { resourceVersion, data };
      byReader.set(as ?? '', entry);
    }
    return { content: entry.data[ref.valuesKey ?? 'values.yaml'], exists: true };
  }
}

/** The decoded data of a ConfigMap or Secret (undefined when it does not exist), read as `as` if given. */
export async function fetchValuesData(client: KubeClient, kind: 'ConfigMap' | 'Secret', namespace: string, name: string, as?: string): Promise<Record<string, string> | undefined> {
  try {
    const reader = as === undefined ? client : client.impersonating(as);
    const obj = await reader.request<DataObject>('GET', objectPath(CORE[kind], namespace, name));
    const data = obj.data ?? {};
    // Secret data is base64; a ConfigMap's binaryData is too.
    if (kind === 'Secret') return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    const binary = Object.fromEntries(Object.entries(obj.binaryData ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    return { ...binary, ...data };
  } catch (err) {
    if (isApiError(err, 'NotFound')) return undefined;
    if (err instanceof ApiError && err.reason === 'Forbidden') {
      throw new ValuesForbiddenError(`valuesFrom ${kind} ${namespace}/${name} cannot be read: ${err.message}; ` +
        `grant ${as ?? 'capstan'} get on ${kind === 'Secret' ? 'secrets' : 'configmaps'} in ${namespace} with a Role and RoleBinding`, { cause: err });
    }
    throw err;
  }
}
