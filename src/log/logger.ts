// Structured logs: JSON by default (for log pipelines), readable lines when asked or on a terminal.
// Built from explicit options, never from the environment at import time.
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };
export type LogFormat = 'json' | 'pretty';
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export interface LoggerOptions {
  level: LevelWithSilent;
  format: LogFormat;
  /** Where JSON lines go; defaults to stdout. */
  destination?: NodeJS.WritableStream;
}

// Keys whose values may hold credentials or Helm values: never printed, whatever logs them.
const REDACT = [
  'password', '*.password', 'token', '*.token', 'values', '*.values', 'data', '*.data',
  'stringData', '*.stringData', 'headers.authorization', '*.headers.authorization',
];

// pino appends every cause's message to an error's own ("X: X" when a wrapper repeats its
// cause's words): the message stays the error's own, the stack still shows the causes.
function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  return { ...pino.stdSerializers.err(err), message: err.message };
}

export function createLogger(options: LoggerOptions): Logger {
  const base = { level: options.level, redact: { paths: REDACT, censor: '[redacted]' }, serializers: { err: serializeError } };
  if (options.format === 'pretty') {
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { colorize: process.stdout.isTTY, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } },
    });
  }
  return options.destination ? pino(base, options.destination as pino.DestinationStream) : pino(base);
}

export function defaultLogFormat(): LogFormat {
  return process.stdout.isTTY ? 'pretty' : 'json';
}
