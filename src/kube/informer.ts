// List+watch cache of one resource: resumes from the last resourceVersion, asks for bookmarks,
// relists on 410 Gone (as an HTTP status or an in-stream ERROR event), reconnects with backoff,
// and says when it has synced. Handlers only receive objects; they must not do work themselves
// (the runtime's handlers enqueue keys).
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from './client.ts';
import { ApiError } from './errors.ts';
import { collectionPath, objectKey, type KubeList, type KubeObject, type ResourceRef } from './resource.ts';
import { watchEvents, type WatchStatus } from './watch.ts';

/** Everything that happens to a watch, reported in one place (logs and metrics). */
export type InformerEvent =
  | { type: 'listed'; items: number; resourceVersion: string; durationMs: number }
  | { type: 'watch-ended'; events: number }
  | { type: 'too-old'; resourceVersion: string }
  | { type: 'error'; error: unknown; retryInMs: number };

export interface InformerHandlers<T> {
  add?(obj: T): void;
  update?(obj: T, old: T): void;
  delete?(obj: T): void;
}

export interface InformerOptions<T> {
  resource: ResourceRef;
  /** Watch one namespace; all when unset. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Only object metadata (PartialObjectMetadata): for large objects whose content is not needed. */
  metadataOnly?: boolean;
  /** Drops what the cache does not need before storing (managedFields are always dropped). */
  transform?: (obj: T) => T;
  onEvent?: (event: InformerEvent) => void;
  /** Server-side watch length; jittered by up to 50 %. */
  watchTimeoutSeconds?: number;
  pageSize?: number;
}

// A function, not a property read, so that TypeScript does not narrow it across awaits.
function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const META_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
const META_WATCH = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';
const BACKOFF_START_MS = 500;
const BACKOFF_MAX_MS = 30_000;

export class Informer<T extends KubeObject> {
  private readonly store = new Map<string, T>();
  private readonly handlers: InformerHandlers<T>[] = [];
  private readonly client: KubeClient;
  private readonly options: InformerOptions<T>;
  private resourceVersion = '';
  private syncedFlag = false;
  private readonly syncWaiters: (() => void)[] = [];

  constructor(client: KubeClient, options: InformerOptions<T>) {
    this.client = client;
    this.options = options;
  }

  get resource(): ResourceRef {
    return this.options.resource;
  }

  addHandlers(handlers: InformerHandlers<T>): void {
    this.handlers.push(handlers);
  }

  get(key: string): T | undefined {
    return this.store.get(key);
  }

  list(): T[] {
    return [...this.store.values()];
  }

  keys(): string[] {
    return [...this.store.keys()];
  }

  get synced(): boolean {
    return this.syncedFlag;
  }

  whenSynced(): Promise<void> {
    if (this.syncedFlag) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** Runs until the signal aborts; never throws for API errors (they are retried with backoff). */
  async run(signal: AbortSignal): Promise<void> {
    let backoff = BACKOFF_START_MS;
    while (!signal.aborted) {
      try {
        if (!this.resourceVersion) await this.relist(signal);
        const events = await this.watchOnce(signal);
        this.emit({ type: 'watch-ended', events });
        backoff = BACKOFF_START_MS;
      } catch (error) {
        if (isAborted(signal)) return;
        if (error instanceof ApiError && error.statusCode === 410) {
          this.emit({ type: 'too-old', resourceVersion: this.resourceVersion });
          this.resourceVersion = '';
          continue;
        }
        const retryInMs = backoff * (0.5 + Math.random() / 2);
        this.emit({ type: 'error', error, retryInMs });
        await sleep(retryInMs, undefined, { signal }).catch(() => undefined);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
      }
    }
  }

  private async relist(signal: AbortSignal): Promise<void> {
    const started = Date.now();
    const fresh = new Map<string, T>();
    let continueToken: string | undefined;
    let resourceVersion: string;
    do {
      const page = await this.client.request<KubeList<T>>('GET', collectionPath(this.options.resource, this.options.namespace), {
        query: {
          // Metadata pages are smaller but can carry large annotations: smaller pages bound the peak.
          limit: this.options.pageSize ?? (this.options.metadataOnly ? 100 : 500),
          continue: continueToken,
          labelSelector: this.options.labelSelector,
          fieldSelector: this.options.fieldSelector,
        },
        accept: this.options.metadataOnly ? META_LIST : undefined,
        signal,
      });
      // A PartialObjectMetadataList page can carry "items": null.
      for (const item of page.items ?? []) {
        const obj = this.prepare(item);
        fresh.set(objectKey(obj.metadata), obj);
      }
      continueToken = page.metadata.continue || undefined;
      resourceVersion = page.metadata.resourceVersion ?? '';
    } while (continueToken);
    this.replace(fresh);
    this.resourceVersion = resourceVersion;
    this.emit({ type: 'listed', items: fresh.size, resourceVersion, durationMs: Date.now() - started });
    if (!this.syncedFlag) {
      this.syncedFlag = true;
      for (const resolve of this.syncWaiters.splice(0)) resolve();
    }
  }

  private async watchOnce(signal: AbortSignal): Promise<number> {
    const base = this.options.watchTimeoutSeconds ?? 300;
    const timeoutSeconds = Math.round(base * (1 + Math.random() / 2));
    let count = 0;
    const events = watchEvents<T>(this.client, {
      path: collectionPath(this.options.resource, this.options.namespace),
      resourceVersion: this.resourceVersion,
      labelSelector: this.options.labelSelector,
      fieldSelector: this.options.fieldSelector,
      timeoutSeconds,
      accept: this.options.metadataOnly ? META_WATCH : undefined,
      // Bookmarks come about once a minute: a watch silent for longer than its own length is dead.
      inactivityMs: (timeoutSeconds + 30) * 1000,
      signal,
    });
    for await (const event of events) {
      count++;
      if (event.type === 'ERROR') {
        const status = event.object as WatchStatus;
        throw new ApiError(status.code ?? 500, status.message ?? 'watch error', status.reason);
      }
      const obj = event.object as T;
      this.resourceVersion = obj.metadata.resourceVersion ?? this.resourceVersion;
      if (event.type === 'BOOKMARK') continue;
      this.apply(event.type, this.prepare(obj));
    }
    return count;
  }

  /**
   * Drops what no reconciler reads but can dwarf the object: managedFields, and kubectl's
   * last-applied-configuration annotation, which holds a copy of the whole object (a Secret's
   * data included, even in a metadata-only watch).
   */
  private prepare(obj: T): T {
    const { managedFields, ...metadata } = obj.metadata as T['metadata'] & { managedFields?: unknown };
    if (metadata.annotations?.[LAST_APPLIED] !== undefined) {
      const { [LAST_APPLIED]: dropped, ...annotations } = metadata.annotations;
      metadata.annotations = annotations;
    }
    const slim = { ...obj, metadata } as T;
    return this.options.transform ? this.options.transform(slim) : slim;
  }

  private apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T): void {
    const key = objectKey(obj.metadata);
    const old = this.store.get(key);
    if (type === 'DELETED') {
      this.store.delete(key);
      for (const h of this.handlers) h.delete?.(obj);
      return;
    }
    this.store.set(key, obj);
    for (const h of this.handlers) {
      if (old) h.update?.(obj, old);
      else h.add?.(obj);
    }
  }

  /** After a relist: adds, updates and deletes that the missed watch events would have carried. */
  private replace(fresh: Map<string, T>): void {
    for (const [key, old] of this.store) {
      if (!fresh.has(key)) {
        this.store.delete(key);
        for (const h of this.handlers) h.delete?.(old);
      }
    }
    for (const [key, obj] of fresh) {
      const old = this.store.get(key);
      this.store.set(key, obj);
      if (!old) for (const h of this.handlers) h.add?.(obj);
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) for (const h of this.handlers) h.update?.(obj, old);
    }
  }

  private emit(event: InformerEvent): void {
    this.options.onEvent?.(event);
  }
}
