// Which fields of an object drift detection leaves out: spec.driftDetection.ignore rules whose
// target matches the object, and the per-object opt-out annotation.
import type { DriftIgnoreRule } from '../../api/helmrelease.ts';

/** On an object of the release (in the chart or in the cluster): this object is never checked. */
export const OPT_OUT_ANNOTATION = 'helm.capstan.dev/driftDetection';

export interface ObjectIdentity {
  group: string;
  version: string;
  kind: string;
  name: string;
  namespace: string | undefined;
  labels: Record<string, string>;
}

export class LabelSelectorError extends Error {
  override readonly name = 'LabelSelectorError';
}

export function optedOut(annotations: Record<string, string> | undefined): boolean {
  return annotations?.[OPT_OUT_ANNOTATION] === 'disabled';
}

/** The JSON pointers ignored on this object (rules without a target apply to every object). */
export function ignoredPaths(rules: readonly DriftIgnoreRule[], object: ObjectIdentity): string[] {
  return rules.filter((rule) => targets(rule.target, object)).flatMap((rule) => rule.paths);
}

function targets(target: DriftIgnoreRule['target'], o: ObjectIdentity): boolean {
  if (!target) return true;
  return (target.group === undefined || target.group === o.group) &&
    (target.version === undefined || target.version === o.version) &&
    (target.kind === undefined || target.kind === o.kind) &&
    (target.name === undefined || target.name === o.name) &&
    (target.namespace === undefined || target.namespace === o.namespace) &&
    (target.labelSelector === undefined || matchesSelector(target.labelSelector, o.labels));
}

type Requirement = (labels: Record<string, string>) => boolean;

/** Kubernetes label selector syntax: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, comma-separated (AND). */
export function matchesSelector(selector: string, labels: Record<string, string>): boolean {
  return parseSelector(selector).every((requirement) => requirement(labels));
}

export function parseSelector(selector: string): Requirement[] {
  // Commas inside a set `( … )` belong to the set, not between requirements.
  const parts = selector.split(/,(?![^(]*\))/).map((p) => p.trim()).filter((p) => p !== '');
  return parts.map((part) => parseRequirement(part, selector));
}

const KEY = '[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?';
const VALUE = '([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?';
const SET = new RegExp(`^(${KEY})\\s+(in|notin)\\s+\\(([^)]*)\\)$`);
const EQUALITY = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`);
const EXISTS = new RegExp(`^(!?)\\s*(${KEY})$`);

function parseRequirement(part: string, selector: string): Requirement {
  const set = SET.exec(part);
  if (set) {
    const key = set[1] ?? '';
    const values = new Set((set[4] ?? '').split(',').map((v) => v.trim()));
    return set[3] === 'in' ? (l) => Object.hasOwn(l, key) && values.has(l[key] ?? '') : (l) => !Object.hasOwn(l, key) || !values.has(l[key] ?? '');
  }
  const eq = EQUALITY.exec(part);
  if (eq) {
    const key = eq[1] ?? '';
    const value = eq[4] ?? '';
    return eq[3] === '!=' ? (l) => l[key] !== value : (l) => Object.hasOwn(l, key) && l[key] === value;
  }
  const exists = EXISTS.exec(part);
  if (exists) {
    const key = exists[2] ?? '';
    return exists[1] === '!' ? (l) => !Object.hasOwn(l, key) : (l) => Object.hasOwn(l, key);
  }
  throw new LabelSelectorError(`driftDetection.ignore target.labelSelector ${JSON.stringify(selector)}: ${JSON.stringify(part)} is not a label selector requirement; use key=value, key!=value, key in (a,b), key notin (a,b), key or !key`);
}
