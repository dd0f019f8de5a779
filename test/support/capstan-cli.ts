// The `capstan` CLI as a user runs it (a separate process, no TTY) against the test cluster.
import { execa, type ResultPromise } from 'execa';
import { join } from 'node:path';
import { KUBECONFIG, ROOT } from './paths.ts';
import { run, type RunResult } from './run.ts';

const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
/** The test cluster unless the arguments name another kubeconfig. */
const withKubeconfig = (args: string[]) => (args.includes('--kubeconfig') ? args : [...args, '--kubeconfig', KUBECONFIG]);

export function capstan(args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return run(process.execPath, [MAIN, ...withKubeconfig(args)], { ...options, check: false });
}

/** A long-running command (--watch): the caller reads its output and kills it. */
export function capstanProcess(args: string[]): ResultPromise {
  return execa(process.execPath, [MAIN, ...withKubeconfig(args)], { reject: false, buffer: false });
}

/** A table's rows as cells (columns are separated by at least two spaces; cells have none). */
export function tableRows(stdout: string): string[][] {
  return stdout.trimEnd().split('\n').map((line) => line.trim().split(/\s{2,}/));
}
