// Helm's version constraints (Masterminds/semver v3 `NewConstraint` and `Check`), reproduced rule for
// rule: `,` or whitespace is AND, `||` is OR; operators `=`, `!=`, `>`, `<`, `>=`/`=>`, `<=`/`=<`,
// `~`/`~>`, `^`; `x`/`X`/`*` wildcards, partial versions, hyphen ranges and an optional `v` prefix.
// The parser keeps Masterminds' regular expressions (they decide what is valid, including oddities such
// as a wildcard major making the rest of the version irrelevant: `x.5.3` matches everything).
import { comparePrerelease, compareVersions, parseVersion, type Version } from './version.ts';

/**
 * When a prerelease version may match. Masterminds v3.3 (helm < 3.19) decides per comparison: a
 * prerelease passes a comparison only if that comparison names a prerelease, and a plain `!=1.2.3`
 * never excludes prereleases. Masterminds v3.4 (helm >= 3.19 and helm 4) decides per AND group:
 * one comparison naming a prerelease lets prereleases through every comparison of its group.
 */
export type PrereleaseScope = 'comparison' | 'and-group';

export interface ConstraintOptions {
  /** Default: `and-group`, the rule of helm >= 3.19 and helm 4. */
  prereleases?: PrereleaseScope;
}

export class InvalidConstraintError extends Error {
  override readonly name = 'InvalidConstraintError';
  readonly reason = 'InvalidConstraint';
  readonly constraint: string;
  readonly detail: string;

  constructor(constraint: string, detail: string) {
    const shown = constraint.length > 80 ? `${constraint.slice(0, 80)}…` : constraint;
    super(`invalid version constraint "${shown}": ${detail}; use Helm's syntax, e.g. "1.2.3", ">=1.2.0 <2.0.0", "~1.2", "^1" or "1.x || 2.x"`);
    this.constraint = constraint;
    this.detail = detail;
  }
}

export interface Constraint {
  readonly text: string;
  matches(version: Version): boolean;
}

type Operator = '' | '=' | '!=' | '>' | '<' | '>=' | '=>' | '<=' | '=<' | '~' | '~>' | '^';

interface Comparison {
  readonly operator: Operator;
  readonly bound: Version;
  /** Some part of the version was a wildcard or missing. */
  readonly dirty: boolean;
  readonly minorDirty: boolean;
  readonly patchDirty: boolean;
}

// Go's \s is ASCII whitespace without \v; JavaScript's \s is wider, so it is spelled out.
const WS = '[\\t\\n\\f\\r ]';
// Masterminds' cvRegex, including its quirk: `|` is a literal inside the character class.
const CV = 'v?([0-9|x|X|\\*]+)(\\.[0-9|x|X|\\*]+)?(\\.[0-9|x|X|\\*]+)?' +
  '(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?' +
  '(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?';
// The same language without captures and without its ambiguity (`1.2` matches `(\.N)?(\.N)?` in two
// ways), which a backtracking engine would pay for exponentially on a long invalid constraint.
const CV_LINEAR = 'v?[0-9|x|X|\\*]+(?:\\.[0-9|x|X|\\*]+(?:\\.[0-9|x|X|\\*]+)?)?' +
  '(?:-[0-9A-Za-z\\-]+(?:\\.[0-9A-Za-z\\-]+)*)?' +
  '(?:\\+[0-9A-Za-z\\-]+(?:\\.[0-9A-Za-z\\-]+)*)?';
// The empty alternative is Masterminds' too: no operator means `=`. Order matters (leftmost-first).
const OPS = '=||!=|>|<|>=|=>|<=|=<|~|~>|\\^';

const COMPARISON = new RegExp(`^${WS}*(${OPS})${WS}*(${CV})${WS}*$`);
const RANGE = new RegExp(`${WS}*(${CV_LINEAR})${WS}+-${WS}+(${CV_LINEAR})${WS}*`, 'g');
const FIND = new RegExp(`(?:${OPS})${WS}*${CV_LINEAR}`, 'g');
const VALID = new RegExp(`^${WS}*(?:${OPS})${WS}*${CV_LINEAR}${WS}*(?:(?:${WS}+|,${WS}*)(?:${OPS})${WS}*${CV_LINEAR}${WS}*)*$`);

const isWildcard = (part: string): boolean => part === 'x' || part === 'X' || part === '*';

/** `1.2 - 1.4.5` becomes `>= 1.2, <= 1.4.5 `, replacing the first occurrence of each match as Go does. */
function rewriteRanges(text: string): string {
  let out = text;
  for (const m of text.matchAll(RANGE)) {
    const whole = m[0];
    const at = out.indexOf(whole);
    if (at >= 0) out = `${out.slice(0, at)}>= ${m[1] ?? ''}, <= ${m[2] ?? ''} ${out.slice(at + whole.length)}`;
  }
  return out;
}

function parseComparison(token: string, text: string): Comparison {
  const m = COMPARISON.exec(token);
  if (!m) throw new InvalidConstraintError(text, `improper constraint: ${token}`);
  const [, operator = '', version = '', major = '', minor = '', patch = '', prerelease = ''] = m;
  let bound = version;
  let dirty = false;
  let minorDirty = false;
  let patchDirty = false;
  // A wildcard or missing part zeroes it and everything after it; build metadata is then dropped.
  if (isWildcard(major) || major === '') {
    bound = `0.0.0${prerelease}`;
    dirty = true;
  } else if (isWildcard(minor.slice(1)) || minor === '') {
    bound = `${major}.0.0${prerelease}`;
    dirty = minorDirty = true;
  } else if (isWildcard(patch.slice(1)) || patch === '') {
    bound = `${major}${minor}.0${prerelease}`;
    dirty = patchDirty = true;
  }
  const parsed = parseVersion(bound);
  if (!parsed) throw new InvalidConstraintError(text, `"${version}" in "${token.trim()}" is not a version`);
  return { operator: operator as Operator, bound: parsed, dirty, minorDirty, patchDirty };
}

function tilde(v: Version, c: Comparison): boolean {
  const b = c.bound;
  if (compareVersions(v, b) < 0) return false;
  if (b.major === 0n && b.minor === 0n && b.patch === 0n && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== b.major) return false;
  return v.minor === b.minor || c.minorDirty;
}

function caret(v: Version, c: Comparison): boolean {
  const b = c.bound;
  if (compareVersions(v, b) < 0) return false;
  if (b.major > 0n || c.minorDirty) return v.major === b.major;
  if (v.major > 0n) return false;
  if (b.minor > 0n || c.patchDirty) return v.minor === b.minor;
  if (v.minor > 0n) return false;
  return v.patch === b.patch;
}

function notEqual(v: Version, c: Comparison): boolean {
  const b = c.bound;
  if (c.dirty) {
    if (b.major !== v.major) return true;
    if (b.minor !== v.minor && !c.minorDirty) return true;
    if (c.minorDirty) return false;
    if (b.patch !== v.patch && !c.patchDirty) return true;
    if (c.patchDirty) return (v.prerelease !== '' || b.prerelease !== '') && comparePrerelease(v.prerelease, b.prerelease) !== 0;
  }
  return compareVersions(v, b) !== 0;
}

function greaterThan(v: Version, c: Comparison): boolean {
  const b = c.bound;
  if (c.dirty) {
    if (v.major > b.major) return true;
    if (v.major < b.major || c.minorDirty) return false;
    if (c.patchDirty) return v.minor > b.minor;
  }
  return compareVersions(v, b) > 0;
}

function lessThanOrEqual(v: Version, c: Comparison): boolean {
  const b = c.bound;
  if (!c.dirty) return compareVersions(v, b) <= 0;
  if (v.major > b.major) return false;
  return !(v.major === b.major && v.minor > b.minor && !c.minorDirty);
}

function compare(v: Version, c: Comparison): boolean {
  switch (c.operator) {
    case '':
    case '=':
      return c.dirty ? tilde(v, c) : compareVersions(v, c.bound) === 0;
    case '!=':
      return notEqual(v, c);
    case '>':
      return greaterThan(v, c);
    case '<':
      return compareVersions(v, c.bound) < 0;
    case '>=':
    case '=>':
      return compareVersions(v, c.bound) >= 0;
    case '<=':
    case '=<':
      return lessThanOrEqual(v, c);
    case '~':
    case '~>':
      return tilde(v, c);
    case '^':
      return caret(v, c);
  }
}

function admitsPrerelease(c: Comparison, groupNamesPrerelease: boolean, scope: PrereleaseScope): boolean {
  if (scope === 'and-group') return groupNamesPrerelease;
  // Masterminds v3.3 only checks prereleases in a `!=` that has a wildcard or a missing part.
  if (c.operator === '!=' && !c.dirty) return true;
  return c.bound.prerelease !== '';
}

/** Longer constraints are refused: Helm has no limit, but no real constraint comes close. */
export const MAX_CONSTRAINT_LENGTH = 1024;

/** Masterminds `NewConstraint`; throws InvalidConstraintError where Helm would refuse the string. */
export function parseConstraint(text: string, options: ConstraintOptions = {}): Constraint {
  if (text.length > MAX_CONSTRAINT_LENGTH) throw new InvalidConstraintError(text, `longer than ${MAX_CONSTRAINT_LENGTH} characters`);
  const scope = options.prereleases ?? 'and-group';
  // Go's regexp runs in linear time, JavaScript's backtracks: a long run of whitespace would cost cubic
  // time. Whitespace only ever appears as \s* or \s+ in these expressions, so one space per run is
  // equivalent.
  const compact = text.replace(/[\t\n\f\r ]+/g, ' ');
  const groups = rewriteRanges(compact).split('||').map((segment) => {
    if (!VALID.test(segment)) throw new InvalidConstraintError(text, `improper constraint: ${segment}`);
    const comparisons = (segment.match(FIND) ?? [segment]).map((token) => parseComparison(token, text));
    return { comparisons, namesPrerelease: comparisons.some((c) => c.bound.prerelease !== '') };
  });
  return {
    text,
    matches: (version) => groups.some((group) => group.comparisons.every((c) =>
      (version.prerelease === '' || admitsPrerelease(c, group.namesPrerelease, scope)) && compare(version, c))),
  };
}

/** The prerelease rule of a helm binary, from its version (`v3.17.3`, `4.1.4`). */
export function prereleaseScopeForHelm(helmVersion: string): PrereleaseScope {
  const v = parseVersion(helmVersion.trim());
  if (!v) throw new RangeError(`cannot read the helm version "${helmVersion}"`);
  // helm 3.19.0 moved from Masterminds/semver v3.3.0 to v3.4.0.
  return v.major < 3n || (v.major === 3n && v.minor < 19n) ? 'comparison' : 'and-group';
}
