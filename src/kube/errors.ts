// Errors from the API server, classified once so that callers decide on a reason, not on text.
export type ApiErrorReason =
  | 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Gone' | 'Forbidden' | 'Unauthorized'
  | 'Invalid' | 'TooManyRequests' | 'ServerError' | 'Unavailable' | 'Other';

const BY_STATUS: Record<number, ApiErrorReason> = {
  401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict', 410: 'Gone',
  422: 'Invalid', 429: 'TooManyRequests', 500: 'ServerError', 503: 'Unavailable', 504: 'Unavailable',
};

/** A request the API server answered with an error status (its metav1.Status message kept). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly statusCode: number;
  readonly reason: ApiErrorReason;

  constructor(statusCode: number, message: string, apiReason?: string) {
    super(message);
    this.statusCode = statusCode;
    this.reason = apiReason === 'AlreadyExists' ? 'AlreadyExists' : (BY_STATUS[statusCode] ?? 'Other');
  }
}

/** The API server could not be reached at all (connection refused, TLS, DNS, timeout). */
export class ApiUnreachableError extends Error {
  override readonly name = 'ApiUnreachableError';
}

export function isApiError(err: unknown, reason: ApiErrorReason): err is ApiError {
  return err instanceof ApiError && err.reason === reason;
}
