// The `capstan` CLI as a user runs it (a separate process, no TTY) against the test cluster.
import { join } from 'node:path';
import { KUBECONFIG, ROOT } from './paths.ts';
import { run, type RunResult } from './run.ts';

export function capstan(args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return run(process.execPath, [join(ROOT, 'src', 'cli', 'main.ts'), ...args, '--kubeconfig', KUBECONFIG], { ...options, check: false });
}

/** A table's rows as cells (columns are separated by at least two spaces; cells have none). */
export function tableRows(stdout: string): string[][] {
  return stdout.trimEnd().split('\n').map((line) => line.trim().split(/\s{2,}/));
}
