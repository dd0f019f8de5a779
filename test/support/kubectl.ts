// kubectl against the test cluster, as cluster admin.
import { join } from 'node:path';
import { KUBECONFIG, TOOLS_BIN } from './paths.ts';
import { run, type RunOptions, type RunResult } from './run.ts';

export function kubectl(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return run(join(TOOLS_BIN, 'kubectl'), ['--kubeconfig', KUBECONFIG, ...args], options);
}

export async function kubectlJson<T>(args: string[]): Promise<T> {
  const { stdout } = await kubectl([...args, '-o', 'json']);
  return JSON.parse(stdout) as T;
}
