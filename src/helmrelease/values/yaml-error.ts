// The one error of reading a values document; compose.ts turns it into a ValuesError that names
// the source.

/** Why a document cannot be read; `redacted` leaves out every piece of the document's text. */
export class YamlReadError extends Error {
  override readonly name = 'YamlReadError';
  readonly redacted: string;
  /** 1-based, when the problem is at a place in the text. */
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(message: string, redacted: string, where?: { line: number; column: number }) {
    super(message);
    this.redacted = redacted;
    this.line = where?.line;
    this.column = where?.column;
  }
}
