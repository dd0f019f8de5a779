// HMAC-SHA256 signatures: generic-hmac alerts going out, generic-hmac and GitHub webhooks coming in.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** `sha256=<hex>` of the body keyed with the token. */
export function sign(body: string | Buffer, key: string): string {
  return `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
}

/** Constant-time comparison, so that the time taken tells an attacker nothing. */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function validSignature(header: string | undefined, body: Buffer, key: string): boolean {
  return sameSecret(header?.trim().toLowerCase(), sign(body, key));
}
