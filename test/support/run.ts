// Runs a command of the harness and returns what it printed; never throws on a non-zero exit
// unless asked, so tests can assert on failures.
import { execa } from 'execa';
import { TOOLS_BIN } from './paths.ts';

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Throw when the command fails (default true). */
  check?: boolean;
}

export async function run(file: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await execa(file, args, {
    input: options.input,
    env: { PATH: `${TOOLS_BIN}:${process.env.PATH ?? ''}`, ...options.env },
    timeout: options.timeoutMs ?? 120_000,
    reject: false,
  });
  const out: RunResult = { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
  if ((options.check ?? true) && out.exitCode !== 0) {
    throw new Error(`${file} ${args.join(' ')} exited ${out.exitCode}${result.timedOut ? ' (timed out)' : ''}\n${out.stderr}${out.stdout}`);
  }
  return out;
}
