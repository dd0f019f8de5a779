// How the CLI prints: aligned borderless tables (like kubectl and flux), JSON or YAML, and colour
// only when stdout is a terminal and --no-color was not given.
import Table from 'cli-table3';
import { dump } from 'js-yaml';
import pc from 'picocolors';
import { UsageError } from './errors.ts';

export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export type Colors = ReturnType<typeof pc.createColors>;

export function colors(enabled: boolean): Colors {
  // isTTY is undefined (not false) on a pipe, and picocolors given undefined falls back to its own
  // guess, which says yes under CI=true: always hand it a boolean.
  const tty = (process.stdout as { isTTY?: boolean }).isTTY === true;
  return pc.createColors(enabled && tty && process.env.NO_COLOR === undefined);
}

const BORDERLESS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '   ',
};

/** Columns are padded to the widest cell; the last column is never padded. */
export function table(head: string[], rows: string[][]): string {
  const t = new Table({ head, chars: BORDERLESS, style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 } });
  t.push(...rows);
  return `${t.toString().split('\n').map((line) => line.trimEnd()).join('\n')}\n`;
}

export function serialise(value: unknown, format: Exclude<OutputFormat, 'table'>): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : dump(value, { noRefs: true, lineWidth: -1 });
}

export function parseFormat(value: string): OutputFormat {
  if (!(OUTPUT_FORMATS as readonly string[]).includes(value)) throw new UsageError(`unknown output format "${value}": use ${OUTPUT_FORMATS.join(', ')}`);
  return value as OutputFormat;
}

/** READY coloured as flux does: True green, False red, anything else yellow. */
export function colourReady(c: Colors, ready: string): string {
  return ready === 'True' ? c.green(ready) : ready === 'False' ? c.red(ready) : c.yellow(ready);
}
