// `capstan controller`: runs the controller until SIGTERM/SIGINT.
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDuration } from '../api/duration.ts';
import { EventRecorder } from '../kube/events.ts';
import { setupControllers } from '../setup.ts';
import { parseArgs } from 'node:util';
import { KubeClient } from '../kube/client.ts';
import { loadKubeConfig } from '../kube/config.ts';
import { DEFAULT_LEASE } from '../kube/lease.ts';
import { serverVersion } from '../kube/server-version.ts';
import { createLogger, defaultLogFormat, LOG_LEVELS, type LogFormat } from '../log/logger.ts';
import { serve } from '../runtime/http.ts';
import { Manager } from '../runtime/manager.ts';
import { createMetrics } from '../runtime/metrics.ts';
import { serveReceivers } from '../notification/receiver-server.ts';
import { VERSION } from '../version.ts';
import { HelmBinaryError, UsageError } from './errors.ts';
import { helmVersion } from '../helm/version.ts';

export const CONTROLLER_HELP = `Usage: capstan controller [flags]

Runs the capstan controller against the cluster of the kubeconfig (or in-cluster).
Every flag can also be set by its environment variable (CAPSTAN_<FLAG>, e.g. CAPSTAN_LOG_LEVEL).

Flags:
  --kubeconfig PATH            kubeconfig to use (default: in-cluster, then KUBECONFIG, ~/.kube/config)
  --as USER                    act as this user for every API and helm call, like kubectl --as
                               (e.g. system:serviceaccount:capstan-system:capstan to try the chart's RBAC)
  --concurrent N               reconciles running at once per kind (default 4)
  --leader-elect               elect a leader among replicas (Lease <namespace>/capstan-leader)
  --leader-election-namespace  namespace of the Lease (default: POD_NAMESPACE or capstan-system)
  --watch-namespace NS         reconcile objects in this namespace only (default: all)
  --watch-label-selector SEL   reconcile only objects matching this label selector (sharding)
  --cache-dir PATH             indexes and charts cache (default: <tmp>/capstan-cache)
  --helm-binary PATH           the helm 3 or helm 4 binary (default: helm on PATH)
  --kubectl-binary PATH        the kubectl whose kustomize builds Kustomizations (default: kubectl on PATH)
  --no-cross-namespace-refs    forbid sources, values and dependencies in other namespaces
  --default-service-account SA impersonate this service account when a HelmRelease or Kustomization names none
  --requeue-dependency D       how often a release waiting for a dependency looks again (default 5s)
  --graceful-shutdown-timeout D  time in-flight work gets after SIGTERM (default 10m)
  --metrics-addr HOST:PORT     Prometheus /metrics (default :8080; 0 picks a free port)
  --health-addr HOST:PORT      /healthz and /readyz (default :9440)
  --receiver-addr HOST:PORT    incoming webhooks of Receivers, POST /hook/<digest> (default :9292)
  --log-level LEVEL            ${LOG_LEVELS.join('|')} (default info)
  --log-format FORMAT          json|pretty (default: pretty on a terminal, json otherwise)
`;

const FLAGS = {
  kubeconfig: { type: 'string' },
  as: { type: 'string' },
  concurrent: { type: 'string', default: '4' },
  'leader-elect': { type: 'boolean', default: false },
  'leader-election-namespace': { type: 'string' },
  'watch-namespace': { type: 'string' },
  'watch-label-selector': { type: 'string' },
  'cache-dir': { type: 'string', default: join(tmpdir(), 'capstan-cache') },
  'graceful-shutdown-timeout': { type: 'string', default: '10m' },
  'helm-binary': { type: 'string', default: 'helm' },
  'kubectl-binary': { type: 'string', default: 'kubectl' },
  'no-cross-namespace-refs': { type: 'boolean', default: false },
  'default-service-account': { type: 'string' },
  'requeue-dependency': { type: 'string', default: '5s' },
  'metrics-addr': { type: 'string', default: ':8080' },
  'health-addr': { type: 'string', default: ':9440' },
  'receiver-addr': { type: 'string', default: ':9292' },
  'log-level': { type: 'string', default: 'info' },
  'log-format': { type: 'string' },
} as const;

export interface ControllerOptions {
  kubeconfig?: string;
  as?: string;
  concurrent: number;
  leaderElect: boolean;
  leaderElectionNamespace: string;
  watchNamespace?: string;
  watchLabelSelector?: string;
  cacheDir: string;
  gracefulShutdownMs: number;
  helmBinary: string;
  kubectlBinary: string;
  noCrossNamespaceRefs: boolean;
  defaultServiceAccount?: string;
  requeueDependencyMs: number;
  metricsAddr: string;
  healthAddr: string;
  receiverAddr: string;
  logLevel: (typeof LOG_LEVELS)[number];
  logFormat: LogFormat;
}

/** Flags first, then CAPSTAN_* environment variables, then defaults. */
function withEnv(args: string[], env: NodeJS.ProcessEnv): string[] {
  const fromEnv: string[] = [];
  for (const [flag, spec] of Object.entries(FLAGS)) {
    const value = env[`CAPSTAN_${flag.toUpperCase().replaceAll('-', '_')}`];
    if (value === undefined || args.some((a) => a === `--${flag}` || a.startsWith(`--${flag}=`))) continue;
    if (spec.type === 'boolean') {
      if (value === 'true') fromEnv.push(`--${flag}`);
    } else fromEnv.push(`--${flag}=${value}`);
  }
  return [...fromEnv, ...args];
}

function durationFlag(flag: string, value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new UsageError(`--${flag}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function parseControllerArgs(args: string[], env: NodeJS.ProcessEnv = process.env): ControllerOptions {
  const { values } = parseArgs({ args: withEnv(args, env), options: FLAGS, strict: true });
  const level = values['log-level'];
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new UsageError(`--log-level ${level} is not one of ${LOG_LEVELS.join(', ')}`);
  }
  const format = values['log-format'] ?? defaultLogFormat();
  if (format !== 'json' && format !== 'pretty') throw new UsageError(`--log-format ${format} is not json or pretty`);
  const concurrent = Number(values.concurrent);
  if (!Number.isInteger(concurrent) || concurrent < 1) throw new UsageError(`--concurrent ${values.concurrent} is not a whole number >= 1`);
  return {
    kubeconfig: values.kubeconfig ?? env.KUBECONFIG,
    as: values.as,
    concurrent,
    leaderElect: values['leader-elect'],
    leaderElectionNamespace: values['leader-election-namespace'] ?? env.POD_NAMESPACE ?? 'capstan-system',
    watchNamespace: values['watch-namespace'],
    watchLabelSelector: values['watch-label-selector'],
    cacheDir: values['cache-dir'],
    gracefulShutdownMs: durationFlag('graceful-shutdown-timeout', values['graceful-shutdown-timeout']),
    helmBinary: values['helm-binary'],
    kubectlBinary: values['kubectl-binary'],
    noCrossNamespaceRefs: values['no-cross-namespace-refs'],
    defaultServiceAccount: values['default-service-account'],
    requeueDependencyMs: durationFlag('requeue-dependency', values['requeue-dependency']),
    metricsAddr: values['metrics-addr'],
    healthAddr: values['health-addr'],
    receiverAddr: values['receiver-addr'],
    logLevel: level as ControllerOptions['logLevel'],
    logFormat: format,
  };
}

/** helm must run before anything else: a wrong --helm-binary is a user's typo, not a crash. */
async function openHelmOrExplain(binary: string): Promise<void> {
  try {
    await helmVersion(binary, join(tmpdir(), 'capstan-helm-check'));
  } catch (err) {
    throw new HelmBinaryError(`cannot run helm as "${binary}": ${err instanceof Error ? err.message : String(err)}; install helm 3 or 4, or pass --helm-binary PATH`);
  }
}

export async function runController(args: string[]): Promise<void> {
  const options = parseControllerArgs(args);
  const log = createLogger({ level: options.logLevel, format: options.logFormat });
  const kc = loadKubeConfig(options.kubeconfig);
  const metrics = createMetrics(['HelmRepository', 'GitRepository', 'HelmRelease', 'Kustomization']);
  const client = new KubeClient(kc, {
    ...(options.as !== undefined ? { impersonate: options.as } : {}),
    observe: (verb, code, dryRun) => { metrics.apiRequests.inc({ verb, code: String(code), dry_run: String(dryRun) }); },
  });
  const server = await serverVersion(client);
  log.info({ version: VERSION, server, apiServer: client.server }, 'capstan controller connected');

  const identity = `${hostname()}_${process.pid}`;
  const manager = new Manager({
    client, log, metrics, concurrency: options.concurrent,
    lease: options.leaderElect ? { namespace: options.leaderElectionNamespace, name: 'capstan-leader', identity, ...DEFAULT_LEASE } : undefined,
  });
  await openHelmOrExplain(options.helmBinary);
  const controllers = await setupControllers(manager, {
    client,
    log,
    metrics,
    events: new EventRecorder(client, 'capstan', identity),
    cacheDir: options.cacheDir,
    helmBinary: options.helmBinary,
    kubectlBinary: options.kubectlBinary,
    kubeconfig: options.kubeconfig,
    as: options.as,
    watchNamespace: options.watchNamespace,
    watchLabelSelector: options.watchLabelSelector,
    allowCrossNamespace: !options.noCrossNamespaceRefs,
    defaultServiceAccount: options.defaultServiceAccount,
    requeueDependencyMs: options.requeueDependencyMs,
    // helm gets the part of the grace period that is left once it is told to stop.
    helmKillGraceMs: Math.max(1000, options.gracefulShutdownMs - 5000),
  });
  const metricsServer = await serve(options.metricsAddr, { ready: () => manager.ready, registry: metrics.registry });
  const healthServer = await serve(options.healthAddr, { ready: () => manager.ready });
  const receiverServer = await serveReceivers(options.receiverAddr, { client, receivers: controllers.notifications.receivers, log: log.child({ module: 'receiver' }) });
  log.info({ metricsPort: metricsServer.port, healthPort: healthServer.port, receiverPort: receiverServer.port }, 'serving metrics, health and webhooks');

  const stop = new AbortController();
  const onSignal = (signal: string) => {
    if (stop.signal.aborted) {
      log.warn({ signal }, 'second signal: exiting now, without waiting for in-flight work');
      process.exit(1);
    }
    log.info({ signal, graceMs: options.gracefulShutdownMs }, 'shutting down: no new work, waiting for in-flight work');
    stop.abort();
    // In-flight reconciles cancel their helm children on the same signal; this bounds the wait.
    setTimeout(() => {
      log.error('graceful shutdown timed out; exiting');
      process.exit(1);
    }, options.gracefulShutdownMs).unref();
  };
  // `on`, not `once`: execa's child cleanup (signal-exit) kills this process on a signal that no
  // other listener is left for, and a `once` listener is gone by then: the first SIGTERM during a
  // helm call would end the controller at once, its in-flight work unfinished.
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const outcome = await manager.run(stop.signal);
  metricsServer.server.close();
  healthServer.server.close();
  receiverServer.server.close();
  if (outcome === 'lost') {
    // Another replica may already be acting: stop at once rather than keep working unled.
    log.error('leadership lost; exiting');
    process.exitCode = 1;
  }
}
