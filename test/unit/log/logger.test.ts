import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../../../src/log/logger.ts';

/** The JSON line one logger call writes. */
function logged(write: (log: ReturnType<typeof createLogger>) => void): Record<string, unknown> {
  const destination = new PassThrough();
  const log = createLogger({ level: 'info', format: 'json', destination });
  write(log);
  const text = String(destination.read() ?? '');
  const lines = text.trim().split('\n');
  assert.equal(lines.length, 1);
  return JSON.parse(text) as Record<string, unknown>;
}

describe('createLogger', () => {
  it('keeps an error\'s own message when it wraps a cause, and shows the cause in the stack', () => {
    const line = logged((log) => { log.warn({ err: new Error('fetch failed: 401', { cause: new Error('fetch failed: 401') }) }, 'retrying'); });
    const err = line.err as { message: string; stack: string };
    assert.equal(err.message, 'fetch failed: 401');
    assert.match(err.stack, /caused by: Error: fetch failed: 401/);
  });

  it('logs a thrown value that is not an Error as it is', () => {
    const line = logged((log) => { log.warn({ err: 'no connection' }, 'retrying'); });
    assert.equal(line.err, 'no connection');
  });

  it('redacts credentials and values whatever logs them', () => {
    const line = logged((log) => { log.info({ password: 'hunter2', request: { token: 't0ken', headers: { authorization: 'Basic x' } }, values: { a: 1 } }, 'sent'); });
    assert.equal(line.password, '[redacted]');
    assert.deepEqual(line.request, { token: '[redacted]', headers: { authorization: '[redacted]' } });
    assert.equal(line.values, '[redacted]');
  });
});
