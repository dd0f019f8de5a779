// Whether the API server refused a change because a field cannot change once set: recreating the
// object is then the only way to apply it. The API server says so in words only (a 422 Invalid
// whose causes are FieldValueInvalid/Forbidden), and not always the same words: "field is
// immutable" (a Job's template, a Deployment's selector), "may not change once set" (a Service's
// clusterIP), "updates to statefulset spec for fields other than ... are forbidden", and CEL rules
// (`self == oldSelf`) whose message says "immutable". Pure.
import { ApiError } from '../../kube/errors.ts';

const IMMUTABLE = /immutable|may not change once set|updates to [\w ]+ spec for fields other than .* are forbidden/i;

export function isImmutableFieldError(err: unknown): err is ApiError {
  return err instanceof ApiError && err.reason === 'Invalid' && IMMUTABLE.test(err.message);
}
