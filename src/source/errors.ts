// What can go wrong while fetching a repository or a chart. Each error carries a stable `reason`
// that flows unchanged into the HelmRepository's conditions, events and metrics; the message says
// what happened and what the user can do about it.

export type SourceReason =
  | 'URLInvalid'
  | 'AuthenticationFailed'
  | 'FetchFailed'
  | 'SizeLimitExceeded'
  | 'IndexationFailed'
  | 'ChartDigestMismatch'
  | 'ChartPackageInvalid'
  | 'ChartPullFailed';

export abstract class SourceError extends Error {
  abstract readonly reason: SourceReason;
}

/** The URL cannot be fetched at all: unparsable, or a scheme this fetcher does not speak. */
export class UrlInvalidError extends SourceError {
  override readonly name = 'UrlInvalidError';
  readonly reason = 'URLInvalid';
}

export interface FetchErrorDetails {
  url: string;
  /** The HTTP status of the answer, when there was one. */
  status?: number;
  /** True when the fetch ran out of time (slow or trickling server). */
  timedOut?: boolean;
  cause?: unknown;
}

/** The server could not be reached, did not answer in time, or answered with an error status. */
export class FetchError extends SourceError {
  override readonly name = 'FetchError';
  readonly reason: 'FetchFailed' | 'AuthenticationFailed';
  readonly url: string;
  readonly status: number | undefined;
  readonly timedOut: boolean;

  constructor(message: string, details: FetchErrorDetails) {
    super(message, { cause: details.cause });
    this.url = details.url;
    this.status = details.status;
    this.timedOut = details.timedOut ?? false;
    this.reason = details.status === 401 || details.status === 403 ? 'AuthenticationFailed' : 'FetchFailed';
  }
}

/** A body grew past its limit; the transfer was cut as soon as it did. */
export class SizeLimitError extends SourceError {
  override readonly name = 'SizeLimitError';
  readonly reason = 'SizeLimitExceeded';
  readonly url: string;
  readonly limit: number;

  constructor(what: string, url: string, limit: number) {
    super(`${what} at ${url} is larger than the limit of ${formatBytes(limit)}: the download was stopped; raise the limit if this size is expected`);
    this.url = url;
    this.limit = limit;
  }
}

/** The body arrived but is not a usable Helm repository index. */
export class IndexationError extends SourceError {
  override readonly name = 'IndexationError';
  readonly reason = 'IndexationFailed';
}

/** The chart's bytes do not hash to the digest the index announced. */
export class ChartDigestMismatchError extends SourceError {
  override readonly name = 'ChartDigestMismatchError';
  readonly reason = 'ChartDigestMismatch';
  readonly expected: string;
  readonly actual: string;

  constructor(url: string, expected: string, actual: string) {
    super(`chart ${url} has digest ${actual} but the repository index says ${expected}: the package or the index was changed or corrupted; it was not used`);
    this.expected = expected;
    this.actual = actual;
  }
}

/** The chart package is not a safe gzip'd tar archive. */
export class ChartPackageError extends SourceError {
  override readonly name = 'ChartPackageError';
  readonly reason = 'ChartPackageInvalid';
}

/** `helm pull` of an OCI chart failed. */
export class ChartPullError extends SourceError {
  override readonly name = 'ChartPullError';
  readonly reason: 'ChartPullFailed' | 'AuthenticationFailed';

  constructor(message: string, options: { authentication?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.reason = options.authentication === true ? 'AuthenticationFailed' : 'ChartPullFailed';
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(n % 1024 === 0 ? 0 : 1)} KiB`;
  return `${n} bytes`;
}

/** A chart's source is not usable yet or at all: the release waits (reason SourceNotReady). */
export class SourceNotReadyError extends Error {
  override readonly name = 'SourceNotReadyError';
  readonly reason = 'SourceNotReady';
  /** Look again this soon rather than at the release's interval: the source is about to be back. */
  readonly retryAfterMs: number | undefined;
  /**
   * The source is Ready; only this controller's copy of its artifact is behind (a restart's empty
   * cache). Nothing for the user to see: the release waits without a status change.
   */
  readonly catchingUp: boolean;

  constructor(message: string, options?: { retryAfterMs?: number; catchingUp?: boolean }) {
    super(message);
    this.retryAfterMs = options?.retryAfterMs;
    this.catchingUp = options?.catchingUp ?? false;
  }
}

/** A reference the controller's policy forbids (cross-namespace with --no-cross-namespace-refs). */
export class SourceForbiddenError extends Error {
  override readonly name = 'SourceForbiddenError';
  readonly reason = 'AccessDenied';
}
