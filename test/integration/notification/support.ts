// What the notification suites share: webhook endpoints on loopback that keep every request's
// body, and applying and waiting for Providers, Alerts, Receivers and Secrets.
import type { IncomingHttpHeaders } from 'node:http';
import type { Condition } from '../../../src/api/meta.ts';
import type { NotificationStatus } from '../../../src/api/notification.ts';
import type { EventInput } from '../../../src/kube/events.ts';
import { kubectl, kubectlJson } from '../../support/kubectl.ts';
import type { TlsMaterial } from '../../support/pki.ts';
import { startScriptedServer, type Handler, type ScriptedServer } from '../../support/scripted-server.ts';
import { waitFor } from '../../support/wait.ts';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** How an endpoint answers its n-th request (1-based): a status code, or never. */
export type Answer = (n: number) => number | 'hang';

export interface Sink {
  url: string;
  received: Received[];
  /** Serves `path`, answering as told (200 by default). */
  listen(path: string, answer?: Answer): string;
  on(path: string): Received[];
  waitFor(path: string, count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startSink(tls?: TlsMaterial): Promise<Sink> {
  const server: ScriptedServer = await startScriptedServer(tls ? { tls } : {});
  const received: Received[] = [];
  const on = (path: string) => received.filter((r) => r.path === path);
  const handler = (path: string, answer: Answer): Handler => (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => { chunks.push(c); });
    req.on('end', () => {
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const status = answer(on(path).length);
      if (status !== 'hang') res.writeHead(status).end();
    });
  };
  return {
    url: server.url,
    received,
    listen: (path, answer = () => 200) => { server.route(path, handler(path, answer)); return `${server.url}${path}`; },
    on,
    waitFor: (path, count, timeoutMs = 20_000) => waitFor(`${count} requests to ${path}`, () => (on(path).length >= count ? on(path) : undefined), { timeoutMs, intervalMs: 50 }),
    close: () => server.close(),
  };
}

export function notificationObject(kind: 'Provider' | 'Alert' | 'Receiver', name: string, spec: Record<string, unknown>) {
  return { apiVersion: 'notification.capstan.dev/v1', kind, metadata: { name }, spec };
}

export function secretObject(name: string, stringData: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData };
}

export async function applyAll(namespace: string, objects: object[]): Promise<void> {
  await kubectl(['apply', '-n', namespace, '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) });
}

interface WithStatus {
  metadata: { generation?: number };
  status?: NotificationStatus;
}

export interface Observed {
  status: NotificationStatus;
  /** The Ready condition of the current generation. */
  ready: Condition;
}

function observe(o: WithStatus): Observed | undefined {
  const status = o.status;
  if (status?.observedGeneration !== o.metadata.generation) return undefined;
  const ready = status?.conditions?.find((c) => c.type === 'Ready');
  return status && ready ? { status, ready } : undefined;
}

/** Waits for the Ready condition of the current generation to have this status. */
export function waitReady(namespace: string, kind: string, name: string, status: 'True' | 'False' = 'True'): Promise<Observed> {
  return waitFor(`${kind} ${name} Ready=${status}`, async () => {
    const seen = observe(await kubectlJson<WithStatus>(['get', `${kind.toLowerCase()}s.notification.capstan.dev`, name, '-n', namespace]));
    return seen?.ready.status === status ? seen : undefined;
  }, { timeoutMs: 30_000, intervalMs: 100 });
}

/** An event about a HelmRelease that need not exist: dispatch looks at the event only. */
export function releaseEvent(namespace: string, name: string, input: Omit<EventInput, 'regarding'>): EventInput {
  return { regarding: { apiVersion: 'helm.capstan.dev/v1', kind: 'HelmRelease', metadata: { name, namespace } }, ...input };
}

/** Everything the suite wrote to the API that a person or a log pipeline could read. */
export async function writtenText(namespace: string): Promise<string> {
  const parts = await Promise.all([
    kubectl(['get', 'events.events.k8s.io', '-n', namespace, '-o', 'json']),
    kubectl(['get', 'providers,alerts,receivers,helmrepositories,helmreleases', '-n', namespace, '-o', 'jsonpath={.items[*].status}']),
  ]);
  return parts.map((p) => p.stdout).join('\n');
}
