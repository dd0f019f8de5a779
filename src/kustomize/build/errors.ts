// Why a Kustomization's manifests could not be built. The reason flows unchanged into the Ready
// condition; the message names the file or object (paths relative to the repository root, never
// the folder the artifact was extracted to) and what to change.

abstract class ReasonedError<R extends string> extends Error {
  readonly reason: R;

  constructor(reason: R, message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}

export type BuildReason = 'PathNotFound' | 'BuildFailed' | 'SubstitutionFailed';

export class BuildError extends ReasonedError<BuildReason> {
  override readonly name = 'BuildError';
}

export type SubstituteSourceReason = 'SubstituteSourceNotFound' | 'SubstituteSourceForbidden' | 'InvalidVariableName';

/** A postBuild.substituteFrom entry could not be read or used. Never carries a Secret's value. */
export class SubstituteSourceError extends ReasonedError<SubstituteSourceReason> {
  override readonly name = 'SubstituteSourceError';
}
