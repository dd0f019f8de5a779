// One object's drift: the live object against the result of a server-side apply dry run of the
// manifest object, compared only along the fields that apply owns (so only fields the manifest
// sets count), after the ignored fields are taken out of both.
import { driftedFields, type FieldSet } from './managed-fields.ts';
import { isJsonObject, removeAt, type Json } from './pointer.ts';

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  subresource?: string;
  fieldsV1?: FieldSet;
}

/** The fields `manager` applied, from an object's metadata.managedFields. */
export function appliedFields(object: Json, manager: string): FieldSet | undefined {
  const metadata = isJsonObject(object) ? object.metadata : undefined;
  const entries = (isJsonObject(metadata) && Array.isArray(metadata.managedFields) ? metadata.managedFields : []) as ManagedFieldsEntry[];
  return entries.find((e) => e.manager === manager && e.operation === 'Apply' && !e.subresource)?.fieldsV1;
}

/** JSON pointers of the drifted fields; empty when the object is as the manifest says. */
export function compareObject(dryRun: Json, live: Json, manager: string, ignored: readonly string[]): string[] {
  const applied = appliedFields(dryRun, manager);
  // The API server always records an apply's fields; without them nothing can be compared.
  if (!applied) throw new Error(`the dry run's managedFields hold no entry of field manager ${manager}`);
  const fields = isSecret(dryRun) ? stringDataAsData(applied) : applied;
  const desired = structuredClone(dryRun);
  const current = structuredClone(live);
  for (const pointer of ignored) {
    removeAt(desired, pointer);
    removeAt(current, pointer);
  }
  return driftedFields(fields, desired, current);
}

function isSecret(object: Json): boolean {
  return isJsonObject(object) && object.apiVersion === 'v1' && object.kind === 'Secret';
}

// A Secret's stringData is write-only: the API server merges it into data and never returns it,
// but records the apply's ownership under f:stringData. Its keys are compared under data instead.
function stringDataAsData(fields: FieldSet): FieldSet {
  const { 'f:stringData': stringData, ...rest } = fields;
  return stringData ? { ...rest, 'f:data': { ...rest['f:data'], ...stringData } } : fields;
}
