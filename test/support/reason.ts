// Asserts that a source operation failed with the condition reason a user would see.
import assert from 'node:assert/strict';
import { SourceError } from '../../src/source/errors.ts';

export async function rejectsWithReason(promise: Promise<unknown>, reason: string): Promise<SourceError> {
  let caught: unknown;
  await promise.then(() => undefined, (err: unknown) => { caught = err; });
  assert.ok(caught instanceof SourceError, `expected a SourceError with reason ${reason}, got ${String(caught)}`);
  assert.equal(caught.reason, reason, caught.message);
  return caught;
}
