// Leader election on a coordination.k8s.io/v1 Lease, as client-go does it: a replica takes the
// lease when the holder has not renewed it for leaseDuration (measured on our own clock since we
// last saw it change, so clock skew between replicas does not matter), renews it every retry
// period, and gives up leadership when it cannot renew within the renew deadline.
//
// A follower watches the Lease instead of polling it: it sees each renewal within milliseconds
// and tries to take the lease exactly when it expires on its clock, not up to a retry period
// later (failover after a crash: at most leaseDuration after the leader's last renewal).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log/logger.ts';
import type { KubeClient } from './client.ts';
import { isApiError } from './errors.ts';
import { Informer } from './informer.ts';
import { apiVersionOf, collectionPath, CORE, objectPath } from './resource.ts';

// A renewal must succeed or fail within the renew deadline: a throttled one waiting out its
// Retry-After would let the lease expire on the other replicas' clocks while this one still leads.
const NO_THROTTLE_WAIT = { throttleRetries: 0 } as const;

export interface LeaseOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

export const DEFAULT_LEASE = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

interface Lease {
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };
}

export class LeaderElector {
  private readonly client: KubeClient;
  private readonly options: LeaseOptions;
  private readonly log: Logger;
  private observed?: { resourceVersion: string; at: number };

  constructor(client: KubeClient, options: LeaseOptions, log: Logger) {
    this.client = client;
    this.options = options;
    this.log = log.child({ lease: `${options.namespace}/${options.name}`, identity: options.identity });
  }

  /** Resolves once this replica leads (or rejects when the signal aborts first). */
  async acquire(signal: AbortSignal): Promise<void> {
    const { namespace, name } = this.options;
    const watching = new AbortController();
    const stopWatching = () => { watching.abort(); };
    signal.addEventListener('abort', stopWatching, { once: true });
    const lease = new Informer<Lease>(this.client, { resource: CORE.Lease, namespace, fieldSelector: `metadata.name=${name}` });
    let wake: () => void = () => undefined;
    const changed = (l: Lease) => { this.observe(l); wake(); };
    lease.addHandlers({ add: changed, update: changed, delete: () => { this.observed = undefined; wake(); } });
    const running = lease.run(watching.signal);
    try {
      // Without list/watch on Leases (RBAC), this falls back to looking every retry period.
      await Promise.race([lease.whenSynced(), sleep(this.options.retryPeriodMs * 5, undefined, { signal: watching.signal }).catch(() => undefined)]);
      for (;;) {
        signal.throwIfAborted();
        const known = lease.get(`${namespace}/${name}`);
        const waitMs = this.untilExpiry(known);
        if (waitMs <= 0) {
          const acquired = await this.tryAcquireOrRenew(known).catch((err: unknown) => { this.log.warn({ err }, 'leader election: lease request failed'); return undefined; });
          if (acquired) {
            this.log.info('leader election: acquired the lease');
            return;
          }
        }
        // Until the lease expires on our clock or changes; a failed request retries after a retry period.
        const delay = waitMs > 0 ? waitMs : this.options.retryPeriodMs;
        this.log.debug({ retryInMs: Math.round(delay), resourceVersion: this.observed?.resourceVersion }, 'leader election: waiting for the lease to expire');
        await new Promise<void>((resolve) => {
          const done = () => { clearTimeout(timer); signal.removeEventListener('abort', done); resolve(); };
          const timer = setTimeout(done, delay);
          wake = done;
          signal.addEventListener('abort', done, { once: true });
        });
      }
    } finally {
      signal.removeEventListener('abort', stopWatching);
      watching.abort();
      await running;
    }
  }

  /** Milliseconds until the lease may be taken (0 or less: now). */
  private untilExpiry(lease: Lease | undefined): number {
    const holder = lease?.spec.holderIdentity ?? '';
    if (!lease || holder === '' || holder === this.options.identity) return 0;
    this.observe(lease);
    return (this.observed?.at ?? 0) + (lease.spec.leaseDurationSeconds ?? 15) * 1000 - Date.now();
  }

  /** Remembers when (on our clock) the lease last changed: expiry counts from there. */
  private observe(lease: Lease): void {
    const rv = lease.metadata.resourceVersion ?? '';
    if (this.observed?.resourceVersion !== rv) this.observed = { resourceVersion: rv, at: Date.now() };
  }

  /** Renews until the signal aborts (then releases) or renewal fails for the renew deadline (then resolves 'lost'). */
  async hold(signal: AbortSignal): Promise<'released' | 'lost'> {
    let lastRenew = Date.now();
    while (!signal.aborted) {
      const slept = await sleep(this.options.retryPeriodMs, true, { signal }).catch(() => false);
      if (!slept) break;
      const renewed = await this.tryAcquireOrRenew().catch(() => false);
      if (renewed) lastRenew = Date.now();
      else if (Date.now() - lastRenew > this.options.renewDeadlineMs) {
        this.log.error('leader election: lost the lease');
        return 'lost';
      }
    }
    await this.release().catch((err: unknown) => { this.log.warn({ err }, 'leader election: release failed'); });
    return 'released';
  }

  /**
   * `known`: the lease as the watch last delivered it, which saves a GET when the lease expires
   * (a stale copy only costs a conflict: the PUT carries its resourceVersion).
   */
  private async tryAcquireOrRenew(known?: Lease): Promise<boolean> {
    const { namespace, name, identity } = this.options;
    const now = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
    const spec = { holderIdentity: identity, leaseDurationSeconds: Math.ceil(this.options.leaseDurationMs / 1000), renewTime: now };
    let lease: Lease;
    try {
      lease = known ?? await this.client.request<Lease>('GET', objectPath(CORE.Lease, namespace, name), NO_THROTTLE_WAIT);
    } catch (err) {
      if (!isApiError(err, 'NotFound')) throw err;
      await this.client.request('POST', collectionPath(CORE.Lease, namespace), {
        ...NO_THROTTLE_WAIT,
        body: { apiVersion: apiVersionOf(CORE.Lease), kind: 'Lease', metadata: { name, namespace }, spec: { ...spec, acquireTime: now, leaseTransitions: 0 } },
      });
      return true;
    }
    this.observe(lease);
    const holder = lease.spec.holderIdentity ?? '';
    const expired = Date.now() >= (this.observed?.at ?? 0) + (lease.spec.leaseDurationSeconds ?? 15) * 1000;
    if (holder !== '' && holder !== identity && !expired) return false;
    const taking = holder !== identity;
    await this.client.request('PUT', objectPath(CORE.Lease, namespace, name), {
      ...NO_THROTTLE_WAIT,
      body: {
        ...lease,
        spec: {
          ...lease.spec,
          ...spec,
          ...(taking ? { acquireTime: now, leaseTransitions: (lease.spec.leaseTransitions ?? 0) + 1 } : {}),
        },
      },
    });
    return true;
  }

  /** Hands the lease over at once instead of making the next replica wait for it to expire. */
  private async release(): Promise<void> {
    const { namespace, name, identity } = this.options;
    const lease = await this.client.request<Lease>('GET', objectPath(CORE.Lease, namespace, name), NO_THROTTLE_WAIT);
    if (lease.spec.holderIdentity !== identity) return;
    await this.client.request('PUT', objectPath(CORE.Lease, namespace, name), {
      ...NO_THROTTLE_WAIT,
      body: { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 } },
    });
  }
}
