// `capstan controller`: runs the controller until SIGTERM/SIGINT.
import { parseArgs } from 'node:util';
import { loadKubeConfig } from '../kube/config.ts';
import { serverVersion } from '../kube/server-version.ts';
import { createLogger, defaultLogFormat, LOG_LEVELS, type LogFormat } from '../log/logger.ts';
import { VERSION } from '../version.ts';
import { UsageError } from './errors.ts';

export const CONTROLLER_HELP = `Usage: capstan controller [flags]

Runs the capstan controller against the cluster of the kubeconfig (or in-cluster).

Flags:
  --kubeconfig PATH     kubeconfig to use (env KUBECONFIG; default: in-cluster, then ~/.kube/config)
  --log-level LEVEL     ${LOG_LEVELS.join('|')} (default info)
  --log-format FORMAT   json|pretty (default: pretty on a terminal, json otherwise)
`;

interface ControllerOptions {
  kubeconfig?: string;
  logLevel: (typeof LOG_LEVELS)[number];
  logFormat: LogFormat;
}

export function parseControllerArgs(args: string[]): ControllerOptions {
  const { values } = parseArgs({
    args,
    options: {
      kubeconfig: { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      'log-format': { type: 'string', default: defaultLogFormat() },
    },
    strict: true,
  });
  const level = values['log-level'];
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new UsageError(`--log-level ${level} is not one of ${LOG_LEVELS.join(', ')}`);
  }
  const format = values['log-format'];
  if (format !== 'json' && format !== 'pretty') throw new UsageError(`--log-format ${format} is not json or pretty`);
  return { kubeconfig: values.kubeconfig, logLevel: level as ControllerOptions['logLevel'], logFormat: format };
}

export async function runController(args: string[]): Promise<void> {
  const options = parseControllerArgs(args);
  const log = createLogger({ level: options.logLevel, format: options.logFormat });
  const kc = loadKubeConfig(options.kubeconfig);
  const server = await serverVersion(kc);
  log.info({ version: VERSION, server, apiServer: kc.getCurrentCluster()?.server }, 'capstan controller connected');
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
