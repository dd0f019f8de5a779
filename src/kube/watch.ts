// One watch request as an async stream of typed events. The API server ends a watch after
// timeoutSeconds; we also end it when nothing (not even a bookmark) arrives for too long,
// because watches can die silently (kubernetes-client/javascript#364, #596).
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { KubeClient } from './client.ts';
import type { KubeObject } from './resource.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T> {
  type: WatchEventType;
  object: T;
}

/** The in-stream ERROR event's object (metav1.Status), e.g. code 410 when the version is too old. */
export interface WatchStatus {
  code?: number;
  reason?: string;
  message?: string;
}

export interface WatchRequest {
  path: string;
  resourceVersion: string;
  labelSelector?: string;
  fieldSelector?: string;
  timeoutSeconds: number;
  accept?: string;
  /** Abort when no line arrives for this long. */
  inactivityMs: number;
  signal: AbortSignal;
}

export async function* watchEvents<T extends KubeObject>(client: KubeClient, req: WatchRequest): AsyncGenerator<WatchEvent<T | WatchStatus>> {
  // The caller's signal aborts the request only while it connects. Once the body streams, a watch
  // is ended by destroying the body instead: aborting a request whose body is being read leaves an
  // AbortError that nobody awaits (seen when kube-apiserver restarts mid-watch).
  const connecting = new AbortController();
  const abortConnect = () => { connecting.abort(); };
  req.signal.addEventListener('abort', abortConnect, { once: true });
  let body;
  try {
    body = await client.stream(req.path, {
      query: {
        watch: true,
        resourceVersion: req.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: req.timeoutSeconds,
        labelSelector: req.labelSelector,
        fieldSelector: req.fieldSelector,
      },
      accept: req.accept,
      signal: connecting.signal,
    });
  } finally {
    req.signal.removeEventListener('abort', abortConnect);
  }
  const input = Readable.fromWeb(body);
  // However the stream ends (server closed it, connection lost, stopped by us), the informer
  // watches again from the last resourceVersion; an error here must not escape as uncaught.
  input.on('error', () => undefined);
  const stop = () => { input.destroy(); };
  req.signal.addEventListener('abort', stop, { once: true });
  let timer = setTimeout(stop, req.inactivityMs);
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      clearTimeout(timer);
      timer = setTimeout(stop, req.inactivityMs);
      if (line.trim() === '') continue;
      yield JSON.parse(line) as WatchEvent<T | WatchStatus>;
    }
  } finally {
    clearTimeout(timer);
    req.signal.removeEventListener('abort', stop);
    stop();
  }
}
