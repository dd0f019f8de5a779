// Controller log lines of a test run, kept in files for the secret scan (secret-scan-run.ts).
// Only when the global setup asked for it (CAPSTAN_TEST_LOG_DIR): a test file run on its own
// writes nothing.
import { createWriteStream, type WriteStream } from 'node:fs';
import { basename, join } from 'node:path';
import { createLogger, type Logger } from '../../src/log/logger.ts';

let stream: WriteStream | undefined;

/** This test process's log file (one per process: test files run in processes of their own). */
export function testLogStream(): WriteStream | undefined {
  const dir = process.env.CAPSTAN_TEST_LOG_DIR;
  if (dir === undefined || dir === '') return undefined;
  stream ??= createWriteStream(join(dir, `${basename(process.argv[1] ?? 'test')}.${String(process.pid)}.log`), { flags: 'a' });
  return stream;
}

/** The logger of controllers run in the test process: silent, or at debug level into the log file. */
export function testLogger(): Logger {
  const destination = testLogStream();
  return destination ? createLogger({ level: 'debug', format: 'json', destination }) : createLogger({ level: 'silent', format: 'json' });
}
