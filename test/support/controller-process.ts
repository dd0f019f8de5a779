// Runs `capstan controller` as a real child process against the test cluster.
import { execa, type ResultPromise } from 'execa';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { HELM_MAJORS, KUBECONFIG, ROOT, TOOLS_BIN } from './paths.ts';
import { waitFor } from './wait.ts';

export interface ControllerProcess {
  pid: number;
  /** True once the process has exited. */
  exited: () => boolean;
  logs: Record<string, unknown>[];
  child: ResultPromise;
  metricsPort: number;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs the TypeScript sources, or with `built` the compiled dist/ that users run (make build). */
export async function startController(args: string[], built = false): Promise<ControllerProcess> {
  const entry = built ? join(ROOT, 'dist', 'cli', 'main.js') : join(ROOT, 'src', 'cli', 'main.ts');
  const child = execa(join(TOOLS_BIN, 'node'), [entry, 'controller', '--kubeconfig', KUBECONFIG,
    '--log-format', 'json', '--metrics-addr', '127.0.0.1:0', '--health-addr', '127.0.0.1:0',
    ...(args.includes('--helm-binary') ? [] : ['--helm-binary', HELM_MAJORS[1].binary]), ...args], { reject: false, buffer: false });
  const logs: Record<string, unknown>[] = [];
  let exited = false;
  void child.finally(() => { exited = true; });
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      logs.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      logs.push({ msg: line });
    }
  });
  const serving = await waitFor('the controller to serve metrics', () => logs.find((l) => typeof l.metricsPort === 'number'), { timeoutMs: 30_000 });
  return {
    pid: child.pid ?? -1,
    exited: () => exited,
    logs,
    child,
    metricsPort: serving.metricsPort as number,
    stop: async (signal = 'SIGTERM') => {
      child.kill(signal);
      await child;
    },
  };
}
