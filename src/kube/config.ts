// Where the API server is and who we are: a kubeconfig file when given, else the in-cluster
// service account, else the default kubeconfig locations (KUBECONFIG, ~/.kube/config).
//
// Read here rather than with @kubernetes/client-node's KubeConfig: that class imports the whole
// generated API client (about 25 MB of JavaScript), which costs the controller some 50 MiB of
// resident memory for the few fields below. Only kubeconfigs that authenticate through an `exec`
// plugin or a legacy `auth-provider` load client-node, on first use (see credentials.ts).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { isIPv6 } from 'node:net';
import { load } from 'js-yaml';

export class KubeConfigError extends Error {
  override readonly name = 'KubeConfigError';
}

export interface Cluster {
  name: string;
  server: string;
  caFile?: string;
  caData?: string;
  skipTLSVerify?: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
}

export interface User {
  name: string;
  token?: string;
  tokenFile?: string;
  username?: string;
  password?: string;
  certFile?: string;
  certData?: string;
  keyFile?: string;
  keyData?: string;
  /** The user's kubeconfig entry when it has `exec` or `auth-provider`: @kubernetes/client-node runs those. */
  plugin?: Record<string, unknown>;
}

export interface Context {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
}

const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

type Raw = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown): Raw => (v !== null && typeof v === 'object' ? (v as Raw) : {});
const named = (v: unknown): Raw[] => (Array.isArray(v) ? v.map(obj).filter((e) => typeof e.name === 'string') : []);

export class KubeConfig {
  clusters: Cluster[] = [];
  users: User[] = [];
  contexts: Context[] = [];
  currentContext = '';

  getContexts(): Context[] {
    return this.contexts;
  }

  getContextObject(name: string): Context | null {
    return this.contexts.find((c) => c.name === name) ?? null;
  }

  getCurrentContext(): string {
    return this.currentContext;
  }

  setCurrentContext(name: string): void {
    this.currentContext = name;
  }

  getCurrentCluster(): Cluster | null {
    const context = this.getContextObject(this.currentContext);
    return this.clusters.find((c) => c.name === context?.cluster) ?? null;
  }

  getCurrentUser(): User | null {
    const context = this.getContextObject(this.currentContext);
    return this.users.find((u) => u.name === context?.user) ?? null;
  }

  /** Adds one kubeconfig document; as with kubectl's KUBECONFIG list, the first definition of a name wins. */
  addFile(path: string): void {
    const text = readFileSync(path, 'utf8');
    let doc: Raw;
    try {
      doc = obj(load(text));
    } catch (err) {
      throw new KubeConfigError(`kubeconfig ${path} is not valid YAML: ${err instanceof Error ? err.message : String(err)}`);
    }
    const file = (v: unknown) => { const p = str(v); return p && !isAbsolute(p) ? join(dirname(path), p) : p; };
    const add = <T extends { name: string }>(list: T[], item: T) => { if (!list.some((e) => e.name === item.name)) list.push(item); };
    for (const c of named(doc.clusters)) {
      const cluster = obj(c.cluster);
      add(this.clusters, {
        name: c.name as string, server: str(cluster.server) ?? '', caFile: file(cluster['certificate-authority']), caData: str(cluster['certificate-authority-data']),
        skipTLSVerify: cluster['insecure-skip-tls-verify'] === true, tlsServerName: str(cluster['tls-server-name']), proxyUrl: str(cluster['proxy-url']),
      });
    }
    for (const u of named(doc.users)) {
      const user = obj(u.user);
      add(this.users, {
        name: u.name as string, token: str(user.token), tokenFile: file(user.tokenFile), username: str(user.username), password: str(user.password),
        certFile: file(user['client-certificate']), certData: str(user['client-certificate-data']),
        keyFile: file(user['client-key']), keyData: str(user['client-key-data']),
        plugin: user.exec !== undefined || user['auth-provider'] !== undefined ? user : undefined,
      });
    }
    for (const c of named(doc.contexts)) {
      const context = obj(c.context);
      add(this.contexts, { name: c.name as string, cluster: str(context.cluster) ?? '', user: str(context.user) ?? '', namespace: str(context.namespace) });
    }
    this.currentContext ||= str(doc['current-context']) ?? '';
  }

  /** The pod's service account; its token file is read again as it rotates. */
  loadFromCluster(): void {
    const host = process.env.KUBERNETES_SERVICE_HOST ?? '';
    const port = process.env.KUBERNETES_SERVICE_PORT ?? '443';
    const namespaceFile = join(SERVICE_ACCOUNT, 'namespace');
    this.clusters = [{ name: 'in-cluster', server: `https://${isIPv6(host) ? `[${host}]` : host}:${port}`, caFile: join(SERVICE_ACCOUNT, 'ca.crt') }];
    this.users = [{ name: 'in-cluster', tokenFile: join(SERVICE_ACCOUNT, 'token') }];
    this.contexts = [{ name: 'in-cluster', cluster: 'in-cluster', user: 'in-cluster', namespace: existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : undefined }];
    this.currentContext = 'in-cluster';
  }
}

export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  if (path) {
    if (!existsSync(path)) throw new KubeConfigError(`kubeconfig ${path} does not exist: pass --kubeconfig with the path of a readable kubeconfig`);
    kc.addFile(path);
  } else if (process.env.KUBERNETES_SERVICE_HOST) {
    kc.loadFromCluster();
  } else {
    const paths = process.env.KUBECONFIG ? process.env.KUBECONFIG.split(delimiter).filter(Boolean) : [join(homedir(), '.kube', 'config')];
    for (const p of paths.filter((p) => existsSync(p))) kc.addFile(p);
  }
  if (!kc.getCurrentCluster()?.server) {
    throw new KubeConfigError('no cluster in the kubeconfig: pass --kubeconfig, set KUBECONFIG, or run inside a cluster');
  }
  return kc;
}
