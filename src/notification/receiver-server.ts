// The HTTP server of incoming webhooks (--receiver-addr): POST /hook/<digest>. The path leads to a
// Ready Receiver, the body is read up to a bound (a larger one is refused with 413 before it fills
// memory), the call is verified against the Receiver's token (401 and no effect otherwise), then
// its targets are asked to reconcile.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isTrue } from '../api/conditions.ts';
import type { Receiver } from '../api/notification.ts';
import type { KubeClient } from '../kube/client.ts';
import { objectKey } from '../kube/resource.ts';
import { readSecret, SecretNotFoundError } from '../kube/secrets.ts';
import type { Logger } from '../log/logger.ts';
import { parseAddress } from '../runtime/http.ts';
import { requestReconciles } from './receiver-targets.ts';
import { verify, webhookPath } from './webhook.ts';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Receivers by the webhook path in their status, kept from the Receiver informer. Informers run
 * on every replica (the reconcilers only on the leader), so any replica behind a Service can take
 * a webhook.
 */
export class ReceiverIndex {
  private readonly byPath = new Map<string, string>();
  private readonly pathOf = new Map<string, string>();
  private readonly get: (key: string) => Receiver | undefined;

  constructor(get: (key: string) => Receiver | undefined) {
    this.get = get;
  }

  update(receiver: Receiver): void {
    const key = objectKey(receiver.metadata);
    this.remove(key);
    const path = receiver.status?.webhookPath;
    if (path === undefined) return;
    this.byPath.set(path, key);
    this.pathOf.set(key, path);
  }

  remove(key: string): void {
    const path = this.pathOf.get(key);
    if (path !== undefined) this.byPath.delete(path);
    this.pathOf.delete(key);
  }

  find(path: string): Receiver | undefined {
    const key = this.byPath.get(path);
    return key === undefined ? undefined : this.get(key);
  }
}

export interface ReceiverServerOptions {
  client: KubeClient;
  receivers: ReceiverIndex;
  log: Logger;
  maxBodyBytes?: number;
  now?: () => Date;
}

class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError());
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => { resolve(Buffer.concat(chunks)); });
    req.on('error', reject);
  });
}

type Answer = [status: number, message: string];

export function receiverHandler(options: ReceiverServerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const now = options.now ?? (() => new Date());
  const handle = async (req: IncomingMessage): Promise<Answer> => {
    const path = new URL(req.url ?? '/', 'http://receiver').pathname;
    const receiver = options.receivers.find(path);
    if (!receiver) return [404, 'no Receiver has this path'];
    if (req.method !== 'POST') return [405, 'use POST'];
    const key = objectKey(receiver.metadata);
    if (receiver.spec.suspend === true) return [503, `Receiver ${key} is suspended`];
    if (!isTrue(receiver.status?.conditions, 'Ready')) return [503, `Receiver ${key} is not Ready`];
    const namespace = receiver.metadata.namespace ?? 'default';
    // Read at each call: a rotated token changes the path, and the old one stops working at once.
    let token: string | undefined;
    try {
      token = (await readSecret(options.client, namespace, receiver.spec.secretRef.name)).token;
    } catch (err) {
      if (err instanceof SecretNotFoundError) return [503, `Receiver ${key} is not Ready`];
      throw err;
    }
    if (token === undefined || webhookPath(token, receiver.metadata.name, namespace) !== path) return [404, 'no Receiver has this path'];
    const log = options.log.child({ receiver: key });
    let body: Buffer;
    try {
      body = await readBody(req, limit);
    } catch (err) {
      if (!(err instanceof BodyTooLargeError)) throw err;
      log.warn({ limit }, 'webhook body too large; refused');
      return [413, `body larger than ${limit} bytes`];
    }
    const verdict = verify(receiver.spec.type, token, receiver.spec.events ?? [], { headers: req.headers, body });
    if (!verdict.ok) {
      if (verdict.status === 401) log.warn({ type: receiver.spec.type }, `webhook refused: ${verdict.message}`);
      return [verdict.status, verdict.message];
    }
    const outcome = await requestReconciles(options.client, namespace, receiver.spec.resources, now().toISOString());
    log.info({ requested: outcome.requested, missing: outcome.missing }, 'webhook accepted; reconciles requested');
    return [200, `reconcile requested for ${outcome.requested.length} objects${outcome.missing.length > 0 ? `; not found: ${outcome.missing.join(', ')}` : ''}`];
  };
  return (req, res) => {
    const answer = ([status, message]: Answer) => {
      // A refused body is not read to its end: close the connection rather than drain it.
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...(status === 413 ? { Connection: 'close' } : {}) }).end(`${message}\n`);
    };
    handle(req).then(answer, (err: unknown) => {
      options.log.error({ err }, 'webhook handling failed');
      if (!res.headersSent) answer([500, 'could not request the reconciles; see the controller log']);
    });
  };
}

export async function serveReceivers(addr: string, options: ReceiverServerOptions): Promise<{ server: Server; port: number }> {
  const server = createServer(receiverHandler(options));
  // Webhook senders are remote and untrusted: a slow client must not hold a socket forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  const { host, port } = parseAddress(addr);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return { server, port: (server.address() as AddressInfo).port };
}
