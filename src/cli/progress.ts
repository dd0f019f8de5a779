// Feedback while the CLI waits: a spinner with the current phase on a terminal, one line per
// phase otherwise (logs and CI stay readable). Always on stderr: stdout is for results.
import { createSpinner } from 'nanospinner';
import type { Colors } from './output.ts';

export interface Progress {
  phase(text: string): void;
  succeed(text: string): void;
  fail(text: string): void;
}

export function startProgress(text: string, c: Colors): Progress {
  if (process.stderr.isTTY) {
    const spinner = createSpinner(text, { stream: process.stderr }).start();
    return {
      phase: (t) => { spinner.update({ text: `${text}: ${t}` }); },
      succeed: (t) => { spinner.success({ text: t }); },
      fail: (t) => { spinner.error({ text: t }); },
    };
  }
  let last = '';
  const line = (mark: string, t: string) => { process.stderr.write(`${mark} ${t}\n`); };
  line(c.cyan('►'), text);
  return {
    phase: (t) => { if (t !== last) line(c.dim('◎'), t); last = t; },
    succeed: (t) => { line(c.green('✔'), t); },
    fail: (t) => { line(c.red('✖'), t); },
  };
}
