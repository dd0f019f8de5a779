// The shape of Helm values as helm itself holds them after reading a values file: maps with string
// keys, lists, strings, booleans, null and numbers. Every number is a float64, because helm reads
// values files through sigs.k8s.io/yaml, which goes YAML → JSON → Go without json.Number.

export type Value = null | boolean | number | string | Value[] | ValuesMap;
export interface ValuesMap {
  [key: string]: Value;
}

export function isValuesMap(value: unknown): value is ValuesMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value under `key`, never one inherited from Object.prototype ("constructor", "toString"). */
export function getKey(map: ValuesMap, key: string): Value | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

/** Sets an own property, also for the key "__proto__", which a plain assignment would not create. */
export function setKey(map: ValuesMap, key: string, value: Value): void {
  if (key === '__proto__') {
    Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    map[key] = value;
  }
}

/** A deep copy that shares nothing with `value`. */
export function cloneValue<T extends Value>(value: T): T;
export function cloneValue(value: Value): Value {
  if (Array.isArray(value)) return value.map(cloneValue);
  if (isValuesMap(value)) {
    const out: ValuesMap = {};
    for (const key of Object.keys(value)) setKey(out, key, cloneValue(value[key] ?? null));
    return out;
  }
  return value;
}

export type ValueCheck = { ok: true; value: Value } | { ok: false; why: string; path: string };

/**
 * A deep copy of `input` as values, or why it cannot be one: only JSON's types, and numbers that
 * are finite (helm fails on NaN and ±Inf with "json: unsupported value").
 */
export function toValue(input: unknown, path = ''): ValueCheck {
  if (input === null || typeof input === 'boolean' || typeof input === 'string') return { ok: true, value: input };
  if (typeof input === 'number') {
    return Number.isFinite(input) ? { ok: true, value: input } : { ok: false, why: `the number ${String(input)} is not finite`, path };
  }
  if (Array.isArray(input)) {
    const out: Value[] = [];
    for (const [i, item] of (input as unknown[]).entries()) {
      const checked = toValue(item, `${path}[${i}]`);
      if (!checked.ok) return checked;
      out.push(checked.value);
    }
    return { ok: true, value: out };
  }
  if (isPlainObject(input)) {
    const out: ValuesMap = {};
    for (const [key, item] of Object.entries(input)) {
      const checked = toValue(item, path === '' ? key : `${path}.${key}`);
      if (!checked.ok) return checked;
      setKey(out, key, checked.value);
    }
    return { ok: true, value: out };
  }
  return { ok: false, why: `a ${typeof input} is not a YAML value`, path };
}

function isPlainObject(input: unknown): input is Record<string, unknown> {
  if (typeof input !== 'object' || input === null) return false;
  const proto: unknown = Object.getPrototypeOf(input);
  return proto === Object.prototype || proto === null;
}
