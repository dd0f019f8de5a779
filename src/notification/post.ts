// One delivery attempt: POST the rendered message with the Provider's CA and a deadline for the
// whole exchange. Errors say whether a retry can help (connection failures, timeouts, 429 and 5xx)
// and never quote the address, which may come from a Secret.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { VERSION } from '../version.ts';
import type { OutgoingMessage, ProviderTarget } from './payloads.ts';

export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  readonly retryable: boolean;
  readonly statusCode?: number;
  constructor(message: string, retryable: boolean, statusCode?: number) {
    super(message);
    this.retryable = retryable;
    if (statusCode !== undefined) this.statusCode = statusCode;
  }
}

// Enough for Slack's {"ok":false,"error":"…"}; the rest of an answer is drained unread.
const ANSWER_LIMIT = 64 * 1024;

export async function post(target: ProviderTarget, message: OutgoingMessage): Promise<void> {
  const url = new URL(target.address);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = send(url, {
      method: 'POST',
      headers: { 'User-Agent': `capstan/${VERSION}`, ...message.headers, 'Content-Length': Buffer.byteLength(message.body) },
      ...(target.ca ? { ca: target.ca } : {}),
      signal: AbortSignal.timeout(target.timeoutMs),
    }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < ANSWER_LIMIT) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8').slice(0, ANSWER_LIMIT) }); });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(message.body);
  }).catch((err: unknown) => {
    throw new DeliveryError(`${target.type} provider ${target.key}: ${describe(err, target.timeoutMs)}`, true);
  });
  if (answer.status >= 200 && answer.status < 300) {
    if (target.type === 'slack' && url.pathname.endsWith('/chat.postMessage')) slackApiAnswer(target, answer.text);
    return;
  }
  const retryable = answer.status >= 500 || answer.status === 429;
  throw new DeliveryError(`${target.type} provider ${target.key}: the endpoint answered HTTP ${answer.status}${retryable ? '' : '; check the address, token and headers of the Provider'}`, retryable, answer.status);
}

/** chat.postMessage answers 200 even when it refuses the message. */
function slackApiAnswer(target: ProviderTarget, text: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new DeliveryError(`slack provider ${target.key}: chat.postMessage answered something other than JSON`, false);
  }
  const { ok, error } = parsed as { ok?: boolean; error?: string };
  if (ok !== true) throw new DeliveryError(`slack provider ${target.key}: chat.postMessage refused the message (${error ?? 'no error given'}); check the token and channel`, false);
}

/** The error's code only: Node's messages quote the host and port. */
function describe(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `no answer within ${timeoutMs} ms (spec.timeout)`;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? `connection failed (${code})` : 'connection failed';
}
