// JSON pointers (RFC 6901): how drifted fields are named to users and how ignore rules name the
// fields they leave out.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = Record<string, Json>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function escapeToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** The tokens of a pointer ('' is the whole document). */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`JSON pointer ${JSON.stringify(pointer)} does not start with /`);
  return pointer.slice(1).split('/').map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

export function joinPointer(pointer: string, token: string | number): string {
  return `${pointer}/${typeof token === 'number' ? String(token) : escapeToken(token)}`;
}

function child(value: Json | undefined, token: string): Json | undefined {
  if (Array.isArray(value)) return /^(0|[1-9][0-9]*)$/.test(token) ? value[Number(token)] : undefined;
  return isJsonObject(value) && Object.hasOwn(value, token) ? value[token] : undefined;
}

/** The value at `pointer`, undefined when absent. */
export function getAt(doc: Json | undefined, pointer: string): Json | undefined {
  return parsePointer(pointer).reduce<Json | undefined>(child, doc);
}

/** Removes the value at `pointer` in place (nothing when absent). */
export function removeAt(doc: Json, pointer: string): void {
  const tokens = parsePointer(pointer);
  const last = tokens.pop();
  if (last === undefined) return;
  const parent = tokens.reduce<Json | undefined>(child, doc);
  if (Array.isArray(parent) && child(parent, last) !== undefined) parent.splice(Number(last), 1);
  else if (isJsonObject(parent) && Object.hasOwn(parent, last)) Reflect.deleteProperty(parent, last);
}

/** Sets the value at `pointer` in place when its parent exists; returns whether it did. */
export function setAt(doc: Json, pointer: string, value: Json): boolean {
  const tokens = parsePointer(pointer);
  const last = tokens.pop();
  if (last === undefined) return false;
  const parent = tokens.reduce<Json | undefined>(child, doc);
  if (Array.isArray(parent) && child(parent, last) !== undefined) {
    parent[Number(last)] = value;
    return true;
  }
  if (!isJsonObject(parent)) return false;
  Object.defineProperty(parent, last, { value, enumerable: true, writable: true, configurable: true });
  return true;
}
