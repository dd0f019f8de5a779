// Why an apply or a prune failed, as a stable reason the reconciler puts into Ready's reason and
// events unchanged, and the object it failed on.
import { ApiError } from '../../kube/errors.ts';

export type ApplyErrorReason = 'ValidationFailed' | 'ImmutableFieldChanged' | 'ApplyFailed' | 'CRDNotEstablished' | 'AccessDenied';

export class ApplyError extends Error {
  override readonly name = 'ApplyError';
  readonly reason: ApplyErrorReason;
  /** "Deployment/apps/web": the object the message is about. */
  readonly object: string;

  constructor(reason: ApplyErrorReason, object: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
    this.object = object;
  }
}

/**
 * The API server's message without the whole object it may quote: an immutable template comes
 * back as `spec.template: Invalid value: {"labels":…, "Spec":{…thousands of characters…}}: field
 * is immutable`, which says nothing more than the field and the rule.
 */
export function apiWords(err: Error): string {
  return err.message.replace(/Invalid value: [{[].*[}\]]: /s, 'Invalid value: …: ');
}

/**
 * An API error on `object` during `doing` ("dry-run", "apply", "delete"), in the API server's
 * words: RBAC refusals become AccessDenied, anything else `otherwise`. Other errors (the API server
 * unreachable, cancellation) are not the object's fault and pass through unchanged.
 */
export function apiFailure(err: unknown, object: string, doing: string, otherwise: ApplyErrorReason): unknown {
  if (!(err instanceof ApiError)) return err;
  if (err.reason === 'Forbidden' || err.reason === 'Unauthorized') {
    return new ApplyError('AccessDenied', object, `${doing} ${object} was refused: ${apiWords(err)}; grant the Kustomization's service account (or the controller) access to it`, { cause: err });
  }
  return new ApplyError(otherwise, object, `${doing} ${object} failed: ${apiWords(err)}`, { cause: err });
}
