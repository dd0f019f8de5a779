// What a migration could not carry over exactly: every dropped or changed field, named by object
// and path, with why and what to do. `--strict` turns any of them into an error.
export interface Finding {
  /** Kind namespace/name of the source object. */
  object: string;
  /** Field path in the source object, e.g. spec.valuesFrom[1].externalSourceRef. */
  field: string;
  change: 'dropped' | 'changed';
  why: string;
}

export class Findings {
  readonly list: Finding[] = [];

  add(object: string, field: string, change: Finding['change'], why: string): void {
    this.list.push({ object, field, change, why });
  }

  format(): string {
    return this.list.map((f) => `${f.object}: ${f.field} ${f.change}: ${f.why}\n`).join('');
  }
}
