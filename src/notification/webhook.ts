// Incoming webhooks (pure): the path a Receiver listens on, and whether a call proves that it
// knows the Receiver's token.
import { createHash } from 'node:crypto';
import type { ReceiverType } from '../api/notification.ts';
import { sameSecret, validSignature } from './signature.ts';

export const HOOK_PREFIX = '/hook/';

/** As Flux: unguessable without the token, and different for every Receiver sharing a token. */
export function webhookPath(token: string, name: string, namespace: string): string {
  return `${HOOK_PREFIX}${createHash('sha256').update(token + name + namespace).digest('hex')}`;
}

export type Verdict = { ok: true } | { ok: false; status: 401; message: string } | { ok: false; status: 202; message: string };

export interface WebhookCall {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function header(call: WebhookCall, name: string): string | undefined {
  const value = call.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** 401 for a wrong or missing proof; 202 (accepted, nothing done) for an event the Receiver does not listen to. */
export function verify(type: ReceiverType, token: string, events: readonly string[], call: WebhookCall): Verdict {
  switch (type) {
    case 'generic':
      // The path itself is the secret.
      return { ok: true };
    case 'generic-hmac':
      return validSignature(header(call, 'X-Signature'), call.body, token) ? { ok: true } : { ok: false, status: 401, message: 'X-Signature is missing or is not sha256=<HMAC of the body with the token>' };
    case 'github': {
      if (!validSignature(header(call, 'X-Hub-Signature-256'), call.body, token)) {
        return { ok: false, status: 401, message: 'X-Hub-Signature-256 is missing or does not match: set the webhook secret to the Receiver\'s token' };
      }
      return eventFilter(header(call, 'X-GitHub-Event'), events, ['ping']);
    }
    case 'gitlab':
      if (!sameSecret(header(call, 'X-Gitlab-Token'), token)) return { ok: false, status: 401, message: 'X-Gitlab-Token is missing or wrong: set the webhook secret token to the Receiver\'s token' };
      return eventFilter(header(call, 'X-Gitlab-Event'), events, []);
  }
}

function eventFilter(event: string | undefined, events: readonly string[], neverAct: string[]): Verdict {
  if (event !== undefined && neverAct.includes(event)) return { ok: false, status: 202, message: `${event} received; nothing to do` };
  if (events.length === 0 || (event !== undefined && events.some((e) => e.toLowerCase() === event.toLowerCase()))) return { ok: true };
  return { ok: false, status: 202, message: `event ${event ?? '(none)'} is not one of spec.events; nothing to do` };
}
