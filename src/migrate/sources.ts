// The sources converted releases need: one HelmRepository per distinct URL (and one GitRepository
// per URL and ref) in each namespace, named after the URL so that the output reads well.
import type { GitRepositorySpec, HelmRepositorySpec } from '../api/source.ts';

export type SourceRequest =
  | { kind: 'HelmRepository'; url: string; namespace: string }
  | { kind: 'GitRepository'; url: string; namespace: string; ref: string; secretRef?: string };

export interface SourceObject {
  apiVersion: 'source.capstan.dev/v1';
  kind: 'HelmRepository' | 'GitRepository';
  metadata: { name: string; namespace: string };
  spec: HelmRepositorySpec | GitRepositorySpec;
}

/** charts.example.com/stable → charts-example-com-stable (a DNS-1123 name of at most 63 characters). */
export function nameFromUrl(url: string): string {
  const bare = url.replace(/^[a-z]+:\/\//, '').replace(/^[^@/]+@/, '').replace(/\.git$/, '');
  const name = bare.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return name || 'source';
}

export class SourceSet {
  private readonly byKey = new Map<string, SourceObject>();
  private readonly taken = new Set<string>();

  /** The name of the source for this request, creating it once. */
  nameFor(request: SourceRequest): string {
    const key = `${request.namespace}/${request.kind}/${request.url}/${request.kind === 'GitRepository' ? request.ref : ''}`;
    const existing = this.byKey.get(key);
    if (existing) return existing.metadata.name;
    const base = nameFromUrl(request.url) + (request.kind === 'GitRepository' && request.ref !== 'master' ? `-${nameFromUrl(request.ref)}` : '');
    let name = base.slice(0, 63);
    for (let i = 2; this.taken.has(`${request.namespace}/${request.kind}/${name}`); i++) name = `${base.slice(0, 60)}-${String(i)}`;
    this.taken.add(`${request.namespace}/${request.kind}/${name}`);
    const spec: HelmRepositorySpec | GitRepositorySpec = request.kind === 'HelmRepository'
      ? { url: request.url, interval: '10m', ...(request.url.startsWith('oci://') ? { type: 'oci' as const } : {}) }
      : { url: request.url, interval: '5m', ref: { branch: request.ref }, ...(request.secretRef ? { secretRef: { name: request.secretRef } } : {}) };
    this.byKey.set(key, { apiVersion: 'source.capstan.dev/v1', kind: request.kind, metadata: { name, namespace: request.namespace }, spec });
    return name;
  }

  /** A name already used by a source that came from the input itself (Flux objects). */
  reserve(namespace: string, kind: string, name: string): void {
    this.taken.add(`${namespace}/${kind}/${name}`);
  }

  objects(): SourceObject[] {
    return [...this.byKey.values()];
  }
}
