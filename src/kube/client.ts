// A small JSON client over the API server's REST interface, authenticated by the kubeconfig
// (credentials.ts). Generic over resources so that every kind (capstan's, core,
// leases, events) goes through one place, which counts requests by verb for metrics and tests.
import { setTimeout as sleep } from 'node:timers/promises';
import { fetch, type Response } from 'undici';
import type { KubeConfig } from './config.ts';
import { credentialsFor, type Credentials } from './credentials.ts';
import { ApiError, ApiUnreachableError } from './errors.ts';
import { WriteLog } from './write-log.ts';

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
  /** Times a throttled (429) request is sent again; 0 for requests that must fail within a deadline (leases). */
  throttleRetries?: number;
}

/**
 * Called once per request, after the answer; the runtime turns it into metrics. `dryRun`: the
 * request asked for dryRun, so a PATCH/POST/PUT/DELETE stored nothing (not a write).
 */
export type RequestObserver = (verb: string, statusCode: number, dryRun: boolean) => void;

export interface KubeClientOptions {
  /** Impersonate this user (e.g. system:serviceaccount:ns:name) for every request. */
  impersonate?: string;
  observe?: RequestObserver;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

// One connection pool per kubeconfig, shared by impersonating clients (same TLS credentials).
// A pool per request (what client-node's applySecurityAuthentication builds) leaves one idle TLS
// connection per request behind: 1000 finalizer patches cost about 200 MiB of RSS that way.
const pools = new WeakMap<KubeConfig, Credentials>();

// 429 means the API server did not take the request: it sheds load (priority and fairness), or a
// CRD just created has no storage yet. As client-go, the request is sent again after the
// Retry-After it gives (bounded), a few times, before the caller sees the error.
const THROTTLED_RETRIES = 5;
const MAX_RETRY_AFTER_S = 10;

/** Seconds to wait, from a Retry-After header of seconds (its HTTP-date form counts as 1 s). */
export function retryAfterSeconds(header: string | null): number {
  const seconds = Number(header);
  return header !== null && Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, MAX_RETRY_AFTER_S) : 1;
}

export class KubeClient {
  readonly kc: KubeConfig;
  readonly server: string;
  /** What this process wrote through this client (and those impersonating from it). */
  readonly writes: WriteLog;
  private readonly options: KubeClientOptions;

  constructor(kc: KubeConfig, options: KubeClientOptions = {}, writes = new WriteLog()) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new ApiUnreachableError('the kubeconfig has no current cluster');
    this.kc = kc;
    this.server = cluster.server.replace(/\/$/, '');
    this.options = options;
    this.writes = writes;
  }

  /** The same connection, acting as another user (RBAC decides what it may do). */
  impersonating(user: string): KubeClient {
    return new KubeClient(this.kc, { ...this.options, impersonate: user }, this.writes);
  }

  async request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A GET of one object; undefined when it does not exist (any other refusal is thrown). */
  async getIfExists<T>(path: string, options: RequestOptions = {}): Promise<T | undefined> {
    try {
      return await this.request<T>('GET', path, options);
    } catch (err) {
      if (err instanceof ApiError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  /** A streaming GET (watches): the caller reads the body and destroys it when done. */
  async stream(path: string, options: RequestOptions = {}): Promise<ReadableStream<Uint8Array>> {
    const response = await this.send('GET', path, options);
    if (!response.body) throw new ApiUnreachableError(`GET ${path}: empty body`);
    return response.body;
  }

  private async send(method: Method, path: string, options: RequestOptions) {
    const url = new URL(this.server + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    let credentials = pools.get(this.kc);
    if (!credentials) pools.set(this.kc, credentials = credentialsFor(this.kc));
    const headers: Record<string, string> = { ...await credentials.headers(), Accept: options.accept ?? 'application/json' };
    if (this.options.impersonate) headers['Impersonate-User'] = this.options.impersonate;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['Content-Type'] = options.contentType ?? 'application/json';
    }
    const dryRun = options.query?.dryRun !== undefined;
    for (let retries = 0; ; retries++) {
      let response;
      try {
        response = await fetch(url, { method, headers, body, dispatcher: credentials.dispatcher, signal: options.signal });
      } catch (cause) {
        this.options.observe?.(method, 0, dryRun);
        const reason = cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
        throw new ApiUnreachableError(`${method} ${url.pathname}: ${reason}`, { cause });
      }
      this.options.observe?.(method, response.status, dryRun);
      if (response.status !== 429 || retries >= (options.throttleRetries ?? THROTTLED_RETRIES)) return checked(method, url, response);
      await response.body?.cancel();
      await sleep(retryAfterSeconds(response.headers.get('retry-after')) * 1000, undefined, options.signal ? { signal: options.signal } : undefined);
    }
  }
}

/** The response, or the ApiError it carries (its metav1.Status message kept). */
async function checked(method: Method, url: URL, response: Response): Promise<Response> {
  if (response.status < 400) return response;
  const text = await response.text();
  let message = text;
  let reason: string | undefined;
  try {
    const status = JSON.parse(text) as { message?: string; reason?: string };
    message = status.message ?? text;
    reason = status.reason;
  } catch {
    // not a metav1.Status: keep the body as the message
  }
  throw new ApiError(response.status, message || `${method} ${url.pathname}: HTTP ${String(response.status)}`, reason);
}
