// A Provider's delivery settings with its Secrets read: address, token and headers from
// secretRef, the CA from certSecretRef. Errors name the Secret and the key to fix, never a value.
import { parseDuration } from '../api/duration.ts';
import type { Provider } from '../api/notification.ts';
import type { KubeClient } from '../kube/client.ts';
import { readSecret, SecretNotFoundError } from '../kube/secrets.ts';
import * as yaml from 'js-yaml';
import type { ProviderTarget } from './payloads.ts';

export class ProviderConfigError extends Error {
  override readonly name = 'ProviderConfigError';
  readonly reason: string;
  /** A missing Secret may appear later; a malformed one waits for a change. */
  readonly transient: boolean;
  constructor(reason: string, message: string, transient = false) {
    super(message);
    this.reason = reason;
    this.transient = transient;
  }
}

/** The `headers` key: a YAML map of header names to string values. */
export function parseHeaders(text: string, where: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = yaml.load(text);
  } catch {
    throw new ProviderConfigError('InvalidHeaders', `${where} key headers is not valid YAML: write a map such as "X-Team: platform"`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ProviderConfigError('InvalidHeaders', `${where} key headers must be a YAML map of header names to values`);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new ProviderConfigError('InvalidHeaders', `${where} key headers: "${name}" is not a valid HTTP header name`);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new ProviderConfigError('InvalidHeaders', `${where} key headers: the value of ${name} must be a string`);
    }
    headers[name] = String(value);
  }
  return headers;
}

async function secretData(client: KubeClient, namespace: string, name: string): Promise<Record<string, string>> {
  try {
    return await readSecret(client, namespace, name);
  } catch (err) {
    if (err instanceof SecretNotFoundError) throw new ProviderConfigError('SecretNotFound', err.message, true);
    throw err;
  }
}

export async function resolveProvider(client: KubeClient, provider: Provider): Promise<ProviderTarget> {
  const namespace = provider.metadata.namespace ?? 'default';
  const { spec } = provider;
  const secret = spec.secretRef ? await secretData(client, namespace, spec.secretRef.name) : {};
  const where = `Secret ${namespace}/${spec.secretRef?.name ?? ''}`;
  const address = secret.address?.trim() ?? spec.address;
  if (!address) throw new ProviderConfigError('AddressMissing', `set spec.address or the key address in ${where}`);
  let url: URL | undefined;
  try {
    url = new URL(address);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new ProviderConfigError('InvalidAddress', `the address${secret.address ? ` in ${where}` : ''} is not an http(s) URL: fix it`);
  }
  if (spec.type === 'generic-hmac' && !secret.token) throw new ProviderConfigError('TokenMissing', `generic-hmac signs with the key token of ${where}: add it`);
  let ca: string | undefined;
  if (spec.certSecretRef) {
    ca = (await secretData(client, namespace, spec.certSecretRef.name))['ca.crt'];
    if (!ca) throw new ProviderConfigError('CAMissing', `Secret ${namespace}/${spec.certSecretRef.name} has no key ca.crt: add the CA certificate (PEM)`);
  }
  return {
    key: `${namespace}/${provider.metadata.name}`,
    type: spec.type,
    address,
    ...(secret.token ? { token: secret.token } : {}),
    headers: secret.headers ? parseHeaders(secret.headers, where) : {},
    ...(spec.channel ? { channel: spec.channel } : {}),
    ...(spec.username ? { username: spec.username } : {}),
    ...(ca ? { ca } : {}),
    timeoutMs: parseDuration(spec.timeout ?? '15s'),
  };
}
