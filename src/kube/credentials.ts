// How requests prove who we are: one undici connection pool per kubeconfig, whose TLS context
// (CA, client certificate) is built once, and the Authorization header of each request — read
// afresh, because tokens rotate (projected service account tokens, exec plugins).
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import { KubeConfigError, type KubeConfig, type User } from './config.ts';

/** client-go reads a token file again after a minute; so do we. */
const TOKEN_FILE_TTL_MS = 60_000;

export interface Credentials {
  dispatcher: Dispatcher;
  headers(): Promise<Record<string, string>>;
}

const bytes = (file?: string, data?: string): Buffer | undefined =>
  file ? readFileSync(file) : data ? Buffer.from(data, 'base64') : undefined;

export function credentialsFor(kc: KubeConfig): Credentials {
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser() ?? { name: '' };
  if (!cluster) throw new KubeConfigError('the kubeconfig has no current cluster');
  const tls = {
    secureContext: createSecureContext({ ca: bytes(cluster.caFile, cluster.caData), cert: bytes(user.certFile, user.certData), key: bytes(user.keyFile, user.keyData) }),
    rejectUnauthorized: !cluster.skipTLSVerify,
    ...(cluster.tlsServerName ? { servername: cluster.tlsServerName } : {}),
  };
  let dispatcher: Dispatcher;
  if (cluster.proxyUrl) {
    if (!/^https?:/.test(cluster.proxyUrl)) throw new KubeConfigError(`proxy-url ${cluster.proxyUrl} is not supported: use an http:// or https:// proxy`);
    dispatcher = new ProxyAgent({ uri: cluster.proxyUrl, requestTls: tls });
  } else {
    // A 30 s keep-alive probe, as client-go, so that cloud load balancers do not drop idle watches.
    dispatcher = new Agent({ connect: { ...tls, keepAlive: true, keepAliveInitialDelay: 30_000 } });
  }
  return { dispatcher, headers: user.plugin ? pluginHeaders(cluster.server, user.plugin) : staticHeaders(user) };
}

function staticHeaders(user: User): () => Promise<Record<string, string>> {
  let token = user.token;
  let readAt = 0;
  return () => {
    if (user.tokenFile && Date.now() - readAt > TOKEN_FILE_TTL_MS) {
      token = readFileSync(user.tokenFile, 'utf8').trim();
      readAt = Date.now();
    }
    if (token) return Promise.resolve({ Authorization: `Bearer ${token}` });
    if (user.username) return Promise.resolve({ Authorization: `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}` });
    return Promise.resolve({});
  };
}

/** exec plugins and auth-providers (cloud logins): client-node runs and caches them, loaded only here. */
function pluginHeaders(server: string, user: Record<string, unknown>): () => Promise<Record<string, string>> {
  let loaded: Promise<{ applyToHTTPSOptions(opts: { headers?: Record<string, unknown> }): Promise<void> }> | undefined;
  return async () => {
    loaded ??= import('@kubernetes/client-node').then(({ KubeConfig: ClientNodeConfig }) => {
      const only = new ClientNodeConfig();
      // JSON is YAML: a kubeconfig of just this user (TLS stays ours).
      only.loadFromString(JSON.stringify({
        clusters: [{ name: 'c', cluster: { server } }], users: [{ name: 'u', user }],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }], 'current-context': 'x',
      }));
      return only;
    });
    const opts: { headers?: Record<string, unknown> } = {};
    await (await loaded).applyToHTTPSOptions(opts);
    return Object.fromEntries(Object.entries(opts.headers ?? {}).map(([k, v]) => [k, String(v)]));
  };
}
