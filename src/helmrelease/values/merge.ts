// Helm's merge of values files (`helm -f a.yaml -f b.yaml`, pkg/cli/values mergeMaps): a map in the
// later file merges into a map in the earlier one, key by key and recursively; anything else in the
// later file (a list, a scalar, a map over a non-map) replaces what was there. A null replaces too
// and stays in the result: at install time helm's coalescing then removes the chart's default for
// that key, which is how a user deletes a default.
import { getKey, isValuesMap, setKey, type ValuesMap } from './value.ts';

/** `over` merged onto `base`; neither is changed. The result shares unmerged subtrees with both. */
export function mergeValues(base: ValuesMap, over: ValuesMap): ValuesMap {
  const out: ValuesMap = {};
  for (const key of Object.keys(base)) setKey(out, key, base[key] ?? null);
  for (const key of Object.keys(over)) {
    const value = over[key] ?? null;
    const existing = getKey(out, key);
    if (isValuesMap(value) && existing !== undefined && isValuesMap(existing)) {
      setKey(out, key, mergeValues(existing, value));
    } else {
      setKey(out, key, value);
    }
  }
  return out;
}
