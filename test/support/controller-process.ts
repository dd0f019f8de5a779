// Runs `capstan controller` as a real child process against the test cluster.
import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { HELM_MAJORS, KUBECONFIG, ROOT } from './paths.ts';
import { testLogStream } from './test-logs.ts';
import { waitFor } from './wait.ts';

export interface ControllerProcess {
  pid: number;
  /** True once the process has exited. */
  exited: () => boolean;
  logs: Record<string, unknown>[];
  metricsPort: number;
  /** Resolves once the process has exited and every line it wrote has been read. */
  done(): Promise<Exit>;
  /** Sends the signal (SIGTERM by default) and waits as done() does. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
  /** SIGKILL to the whole process group, helm children included (needs `group`): a crash. */
  crash(): Promise<void>;
}

/** How the process ended: its own exit code, or the signal that killed it. */
export interface Exit {
  exitCode: number | undefined;
  signal: string | undefined;
}

export interface StartOptions {
  /** Its own process group, so that crash() takes its helm children down with it. */
  group?: boolean;
}

/** Runs the TypeScript sources, or with `built` the compiled dist/ that users run (make build). */
export async function startController(args: string[], built = false, options: StartOptions = {}): Promise<ControllerProcess> {
  const group = options.group ?? false;
  const entry = built ? join(ROOT, 'dist', 'cli', 'main.js') : join(ROOT, 'src', 'cli', 'main.ts');
  // Each process its own cache, as each pod has its own emptyDir: the default folder is shared by
  // every process on the machine and keyed by URL, and loopback ports are reused by other tests'
  // chart servers, so a shared one could hand a process another server's index.
  const cacheDir = args.includes('--cache-dir') ? undefined : await mkdtemp(join(tmpdir(), 'capstan-test-cache-'));
  const child = execa(process.execPath, [entry, 'controller', '--kubeconfig', KUBECONFIG,
    '--log-format', 'json', '--metrics-addr', '127.0.0.1:0', '--health-addr', '127.0.0.1:0', '--receiver-addr', '127.0.0.1:0',
    ...(args.includes('--helm-binary') ? [] : ['--helm-binary', HELM_MAJORS[1].binary]),
    ...(cacheDir === undefined ? [] : ['--cache-dir', cacheDir]), ...args], { reject: false, buffer: false, detached: group });
  const logs: Record<string, unknown>[] = [];
  let exited = false;
  void child.finally(async () => {
    exited = true;
    if (cacheDir !== undefined) await rm(cacheDir, { recursive: true, force: true });
  });
  const lines = createInterface({ input: child.stdout });
  const logFile = testLogStream();
  lines.on('line', (line) => {
    logFile?.write(`${line}\n`);
    try {
      logs.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      logs.push({ msg: line });
    }
  });
  // The process can be gone before its last lines are read: `done` waits for both.
  const linesClosed = new Promise<void>((resolve) => lines.once('close', resolve));
  const done = async (): Promise<Exit> => {
    const { exitCode, signal } = await child;
    await linesClosed;
    return { exitCode, signal };
  };
  const serving = await waitFor('the controller to serve metrics', () => logs.find((l) => typeof l.metricsPort === 'number'), { timeoutMs: 30_000 });
  return {
    pid: child.pid ?? -1,
    exited: () => exited,
    logs,
    metricsPort: serving.metricsPort as number,
    done,
    stop: async (signal = 'SIGTERM') => {
      child.kill(signal);
      return done();
    },
    crash: async () => {
      if (!group || child.pid === undefined) throw new Error('crash() needs a controller started with { group: true }');
      process.kill(-child.pid, 'SIGKILL');
      await done();
    },
  };
}
