// Errors a user can fix: printed as one line with a hint, never with a stack trace.
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = 2;
}

/** The helm binary cannot be run (missing, not executable, not helm 3 or 4). */
export class HelmBinaryError extends Error {
  override readonly name = 'HelmBinaryError';
}

/** Any error whose message is written for the user (wrong kubeconfig, unreachable cluster, …). */
export interface UserFacingError extends Error {
  readonly name: string;
}

const USER_FACING = new Set(['UsageError', 'UserError', 'KubeConfigError', 'ApiServerUnreachableError', 'HelmBinaryError']);

export function isUserFacing(err: unknown): err is UserFacingError {
  return err instanceof Error && USER_FACING.has(err.name);
}

/** A mistake the user can fix (unknown object, bad file): one line, exit code 1. */
export class UserError extends Error {
  override readonly name = 'UserError';
  readonly exitCode: number;

  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.exitCode = options.exitCode ?? 1;
  }
}
