// Chart versions exactly as Helm reads and orders them. Helm parses index entries with Masterminds/semver
// v3 `NewVersion`, which is lenient (optional `v`, partial `1.2`, leading zeros in numbers) and compares
// with `Compare`, which ignores build metadata. Both are reproduced here rule for rule; the npm `semver`
// package differs on every one of those points.

const UINT64_MAX = (1n << 64n) - 1n;

export interface Version {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  /** Without the leading `-`; empty for a stable version. */
  readonly prerelease: string;
  /** Without the leading `+`; never part of the order. */
  readonly build: string;
  readonly original: string;
}

const VERSION = /^v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;
const DIGITS = /^[0-9]+$/;

/** Go's strconv.ParseUint(s, 10, 64): digits only, at most 2^64-1. */
function parseUint64(digits: string): bigint | undefined {
  if (!DIGITS.test(digits)) return undefined;
  const n = BigInt(digits);
  return n <= UINT64_MAX ? n : undefined;
}

/** Numeric prerelease identifiers must not have leading zeros (the one strict rule NewVersion keeps). */
function validPrerelease(prerelease: string): boolean {
  return prerelease.split('.').every((part) => !(DIGITS.test(part) && part.length > 1 && part.startsWith('0')));
}

/** Masterminds `NewVersion`: the version, or undefined when Helm would reject it. */
export function parseVersion(text: string): Version | undefined {
  const m = VERSION.exec(text);
  if (!m) return undefined;
  const major = parseUint64(m[1] ?? '');
  const minor = m[2] === undefined ? 0n : parseUint64(m[2]);
  const patch = m[3] === undefined ? 0n : parseUint64(m[3]);
  const prerelease = m[4] ?? '';
  if (major === undefined || minor === undefined || patch === undefined || !validPrerelease(prerelease)) return undefined;
  return { major, minor, patch, prerelease, build: m[5] ?? '', original: text };
}

function compareNumbers(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Masterminds comparePrePart, including its oddities: an identifier that does not fit in a uint64 is
// compared as a string, and two different numerals of equal value compare as "less" both ways.
function comparePrereleasePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === '') return -1;
  if (o === '') return 1;
  const si = parseUint64(s);
  const oi = parseUint64(o);
  if (si === undefined && oi === undefined) return s > o ? 1 : -1;
  if (oi === undefined) return -1;
  if (si === undefined) return 1;
  return si > oi ? 1 : -1;
}

/** Masterminds comparePrerelease: identifier by identifier, a missing identifier sorting first. */
export function comparePrerelease(a: string, b: string): number {
  const as = a.split('.');
  const bs = b.split('.');
  const length = Math.max(as.length, bs.length);
  for (let i = 0; i < length; i++) {
    const d = comparePrereleasePart(as[i] ?? '', bs[i] ?? '');
    if (d !== 0) return d;
  }
  return 0;
}

/** Masterminds `Compare`: -1, 0 or 1; build metadata is ignored, a prerelease sorts before its release. */
export function compareVersions(a: Version, b: Version): number {
  const d = compareNumbers(a.major, b.major) || compareNumbers(a.minor, b.minor) || compareNumbers(a.patch, b.patch);
  if (d !== 0) return d;
  if (a.prerelease === '' && b.prerelease === '') return 0;
  if (a.prerelease === '') return 1;
  if (b.prerelease === '') return -1;
  return comparePrerelease(a.prerelease, b.prerelease);
}
