// Helm's releases as seen through their storage Secrets' labels (owner=helm, name, version,
// status), watched metadata-only: the newest revision and its status of any release, with no
// helm process and no Secret content in memory. This is what makes an in-sync resync free.
import type { Informer } from '../kube/informer.ts';
import type { KubeObject } from '../kube/resource.ts';
import type { ObservedRelease, ReleaseStatus } from './plan.ts';

type Revisions = Map<number, ReleaseStatus>;

export class ReleaseIndex {
  private readonly releases = new Map<string, Revisions>();
  private readonly listeners = new Set<(namespace: string, name: string) => void>();

  constructor(informer: Informer<KubeObject>) {
    informer.addHandlers({
      add: (o) => { this.put(o); },
      update: (o) => { this.put(o); },
      delete: (o) => { this.remove(o); },
    });
  }

  /** Called whenever a release's storage changes (helm ran, by capstan or anyone else). */
  onChange(listener: (namespace: string, name: string) => void): void {
    this.listeners.add(listener);
  }

  newest(namespace: string, name: string): ObservedRelease | undefined {
    const revisions = this.releases.get(`${namespace}/${name}`);
    if (!revisions || revisions.size === 0) return undefined;
    const revision = Math.max(...revisions.keys());
    return { revision, status: revisions.get(revision) ?? 'unknown' };
  }

  /** Whether helm still keeps this revision (--history-max prunes the oldest). */
  has(namespace: string, name: string, revision: number): boolean {
    return this.releases.get(`${namespace}/${name}`)?.has(revision) === true;
  }

  private put(o: KubeObject): void {
    const id = identify(o);
    if (!id) return;
    let revisions = this.releases.get(id.key);
    if (!revisions) this.releases.set(id.key, (revisions = new Map<number, ReleaseStatus>()));
    revisions.set(id.version, id.status);
    this.notify(id.key);
  }

  private remove(o: KubeObject): void {
    const id = identify(o);
    if (!id) return;
    const revisions = this.releases.get(id.key);
    revisions?.delete(id.version);
    if (revisions?.size === 0) this.releases.delete(id.key);
    this.notify(id.key);
  }

  private notify(key: string): void {
    const [namespace = '', name = ''] = key.split('/');
    for (const listener of this.listeners) listener(namespace, name);
  }
}

function identify(o: KubeObject): { key: string; version: number; status: ReleaseStatus } | undefined {
  const labels = o.metadata.labels ?? {};
  const version = Number(labels.version);
  if (labels.owner !== 'helm' || !labels.name || !Number.isInteger(version)) return undefined;
  return { key: `${o.metadata.namespace ?? ''}/${labels.name}`, version, status: (labels.status ?? 'unknown') as ReleaseStatus };
}
