// Reads the ConfigMaps and Secrets a HelmRelease's valuesFrom names. Their metadata is watched
// (so a change triggers an upgrade at once); their content is fetched only when referenced and
// kept while its resourceVersion is current, so an in-sync resync makes no API request.
import type { ValuesReference } from '../api/helmrelease.ts';
import type { KubeClient } from '../kube/client.ts';
import { isApiError } from '../kube/errors.ts';
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

export class ValuesSourceReader {
  private readonly client: KubeClient;
  private readonly informers: Record<'ConfigMap' | 'Secret', Informer<KubeObject>>;
  private readonly cache = new Map<string, { resourceVersion: string; data: Record<string, string> }>();

  constructor(client: KubeClient, configMaps: Informer<KubeObject>, secrets: Informer<KubeObject>) {
    this.client = client;
    this.informers = { ConfigMap: configMaps, Secret: secrets };
    for (const [kind, informer] of Object.entries(this.informers)) {
      informer.addHandlers({ delete: (o) => this.cache.delete(`${kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`) });
    }
  }

  async read(namespace: string, ref: ValuesReference): Promise<ValuesSourceContent> {
    const key = `${ref.kind}/${namespace}/${ref.name}`;
    const meta = this.informers[ref.kind].get(`${namespace}/${ref.name}`);
    if (!meta) return { content: undefined, exists: false };
    const resourceVersion = meta.metadata.resourceVersion ?? '';
    let entry = this.cache.get(key);
    if (entry?.resourceVersion !== resourceVersion) {
      const data = await this.fetch(ref.kind, namespace, ref.name);
      if (!data) return { content: undefined, exists: false };
      entry = { resourceVersion, data };
      this.cache.set(key, entry);
    }
    return { content: entry.data[ref.valuesKey ?? 'values.yaml'], exists: true };
  }

  private async fetch(kind: 'ConfigMap' | 'Secret', namespace: string, name: string): Promise<Record<string, string> | undefined> {
    try {
      const obj = await this.client.request<DataObject>('GET', objectPath(CORE[kind], namespace, name));
      const data = obj.data ?? {};
      // Secret data is base64; a ConfigMap's binaryData is too.
      if (kind === 'Secret') return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
      const binary = Object.fromEntries(Object.entries(obj.binaryData ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
      return { ...binary, ...data };
    } catch (err) {
      if (isApiError(err, 'NotFound')) return undefined;
      throw err;
    }
  }
}
