// Which REST collection serves an apiVersion + kind, from the API server's discovery documents
// (one per group version, cached). A kind not found is looked up again, so that a CRD created
// after the first lookup (a chart's crds/) is found.
import type { KubeClient } from './client.ts';
import { isApiError } from './errors.ts';
import type { ResourceRef } from './resource.ts';

interface APIResourceList {
  resources?: { name: string; kind: string; namespaced: boolean }[];
}

export class Discovery {
  private readonly client: KubeClient;
  private readonly lists = new Map<string, Map<string, ResourceRef>>();

  constructor(client: KubeClient) {
    this.client = client;
  }

  /** undefined when the API server does not serve this kind (yet). */
  async resource(apiVersion: string, kind: string): Promise<ResourceRef | undefined> {
    return this.lists.get(apiVersion)?.get(kind) ?? (await this.refresh(apiVersion)).get(kind);
  }

  private async refresh(apiVersion: string): Promise<Map<string, ResourceRef>> {
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = apiVersion.slice(slash + 1);
    let list: APIResourceList;
    try {
      list = await this.client.request<APIResourceList>('GET', group ? `/apis/${group}/${version}` : `/api/${version}`);
    } catch (err) {
      if (isApiError(err, 'NotFound')) return new Map();
      throw err;
    }
    const kinds = new Map<string, ResourceRef>();
    // Subresources (deployments/scale) share their parent's kind or name another one: skip them.
    for (const r of list.resources ?? []) {
      if (!r.name.includes('/')) kinds.set(r.kind, { group, version, plural: r.name, kind: r.kind, namespaced: r.namespaced });
    }
    this.lists.set(apiVersion, kinds);
    return kinds;
  }
}
