// Helm's constraint language, case by case: each row is what helm (Masterminds/semver v3) answers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  InvalidConstraintError,
  MAX_CONSTRAINT_LENGTH,
  parseConstraint,
  prereleaseScopeForHelm,
  type PrereleaseScope,
} from '../../../src/source/constraint.ts';
import { parseVersion } from '../../../src/source/version.ts';

function matches(constraint: string, version: string, prereleases?: PrereleaseScope): boolean {
  const v = parseVersion(version);
  assert.ok(v, `${version} is a version`);
  return parseConstraint(constraint, prereleases ? { prereleases } : {}).matches(v);
}

/** [constraint, versions it matches, versions it does not match] */
type Row = [string, string[], string[]];

function table(rows: Row[], prereleases?: PrereleaseScope): void {
  for (const [constraint, yes, no] of rows) {
    it(`"${constraint}" matches ${yes.join(', ') || 'nothing listed'} and not ${no.join(', ') || 'anything listed'}`, () => {
      for (const v of yes) assert.equal(matches(constraint, v, prereleases), true, `${constraint} should match ${v}`);
      for (const v of no) assert.equal(matches(constraint, v, prereleases), false, `${constraint} should not match ${v}`);
    });
  }
}

describe('parseConstraint: operators', () => {
  table([
    ['1.2.3', ['1.2.3', 'v1.2.3', '1.2.3+build'], ['1.2.4', '1.2.2']],
    ['=1.2.3', ['1.2.3'], ['1.2.4']],
    ['!=1.2.3', ['1.2.4', '1.2.2', '2.0.0'], ['1.2.3', '1.2.3+other']],
    ['>1.2.3', ['1.2.4', '2.0.0'], ['1.2.3', '1.0.0']],
    ['<1.2.3', ['1.2.2', '0.1.0'], ['1.2.3', '1.3.0']],
    ['>=1.2.3', ['1.2.3', '1.3.0'], ['1.2.2']],
    ['=>1.2.3', ['1.2.3', '1.3.0'], ['1.2.2']],
    ['<=1.2.3', ['1.2.3', '1.0.0'], ['1.2.4']],
    ['=<1.2.3', ['1.2.3', '1.0.0'], ['1.2.4']],
    ['~1.2.3', ['1.2.3', '1.2.9'], ['1.3.0', '1.2.2']],
    ['~>1.2.3', ['1.2.3', '1.2.9'], ['1.3.0']],
    ['~1', ['1.0.0', '1.9.9'], ['2.0.0', '0.9.0']],
    ['~0.0.0', ['0.0.0', '5.1.2'], []],
    ['^1.2.3', ['1.2.3', '1.9.0'], ['2.0.0', '1.2.2']],
    ['^0.2.3', ['0.2.3', '0.2.9'], ['0.3.0', '1.0.0']],
    ['^0.0.3', ['0.0.3'], ['0.0.4', '0.1.0']],
    ['^0.0', ['0.0.0', '0.0.9'], ['0.1.0']],
    ['^0', ['0.0.0', '0.9.9'], ['1.0.0']],
    ['> 1.2.3', ['1.2.4'], ['1.2.3']],
  ]);
});

describe('parseConstraint: partial versions and wildcards', () => {
  table([
    ['1', ['1.0.0', '1.9.9'], ['2.0.0', '0.9.0']],
    ['1.2', ['1.2.0', '1.2.9'], ['1.3.0']],
    ['1.x', ['1.0.0', '1.9.9'], ['2.0.0']],
    ['1.2.x', ['1.2.0', '1.2.9'], ['1.3.0']],
    ['1.*', ['1.5.0'], ['2.0.0']],
    ['1.X', ['1.5.0'], ['2.0.0']],
    ['*', ['0.0.0', '9.9.9'], []],
    ['x', ['1.0.0'], []],
    // A wildcard major makes the rest of the version irrelevant.
    ['x.5.3', ['0.0.1', '7.0.0'], []],
    ['>1', ['2.0.0'], ['1.9.9']],
    ['>1.2', ['1.3.0'], ['1.2.9']],
    ['>1.x', ['2.0.0'], ['1.9.0']],
    ['<1.2', ['1.1.9'], ['1.2.0']],
    ['<=1', ['1.9.9', '0.1.0'], ['2.0.0']],
    ['<=1.2', ['1.2.9'], ['1.3.0']],
    // `*` reads as 0.0.0 with only the major dirty: `<=*` keeps 0.0.x.
    ['<=*', ['0.0.5'], ['0.1.0', '1.0.0']],
    ['>=1.2', ['1.2.0'], ['1.1.9']],
    ['!=1.x', ['2.0.0', '0.9.0'], ['1.5.0']],
    ['!=1.2.x', ['1.3.0'], ['1.2.5']],
    ['!=*', ['1.0.0'], ['0.0.0']],
    ['~1.x', ['1.9.0'], ['2.0.0']],
    ['^1.x', ['1.9.0'], ['2.0.0']],
    ['^0.x', ['0.9.0'], ['1.0.0']],
  ]);
});

describe('parseConstraint: AND, OR and hyphen ranges', () => {
  table([
    ['>=1.2.0, <2.0.0', ['1.2.0', '1.9.9'], ['2.0.0', '1.1.0']],
    ['>=1.2.0 <2.0.0', ['1.5.0'], ['2.0.0']],
    ['>=1.2.0,<2.0.0', ['1.5.0'], ['2.0.0']],
    ['>=1.2.0\t<2.0.0', ['1.5.0'], ['2.0.0']],
    ['1.x || 3.x', ['1.0.0', '3.1.0'], ['2.0.0']],
    ['1.x||3.x', ['1.0.0', '3.1.0'], ['2.0.0']],
    ['>=1, <2 || >=3 <4', ['1.5.0', '3.5.0'], ['2.5.0', '4.0.0']],
    ['1.2 - 1.4.5', ['1.2.0', '1.4.5'], ['1.4.6', '1.1.9']],
    ['1.2.3 - 2', ['1.2.3', '2.9.9'], ['3.0.0', '1.2.2']],
    ['1 - 2 || 4', ['2.5.0', '4.2.0'], ['3.0.0']],
  ]);
});

describe('parseConstraint: v prefix and build metadata', () => {
  table([
    ['v1.2.3', ['1.2.3', 'v1.2.3'], ['1.2.4']],
    ['>=v1.2', ['1.2.0'], ['1.1.0']],
    ['=1.2.3+a', ['1.2.3+b', '1.2.3'], ['1.2.4']],
    ['1.x+meta', ['1.5.0'], ['2.0.0']],
  ]);
});

describe('parseConstraint: prereleases match only when the constraint names one', () => {
  table([
    ['>=1.0.0', ['1.0.0'], ['1.1.0-beta', '2.0.0-rc.1']],
    ['*', ['1.0.0'], ['1.0.0-alpha']],
    ['1.x', ['1.0.0'], ['1.1.0-alpha']],
    ['>=1.0.0-0', ['1.0.0-alpha', '1.1.0-beta', '1.0.0'], ['0.9.0-beta']],
    ['>0.0.0-0', ['0.0.1-alpha', '3.0.0'], []],
    ['>1.0.0-alpha', ['1.0.0-beta', '1.0.0-alpha.1', '1.0.0'], ['1.0.0-alpha']],
    ['1.0.0-beta', ['1.0.0-beta'], ['1.0.0-alpha', '1.0.0']],
    ['~1.2.3-beta', ['1.2.3-beta.2', '1.2.4-alpha', '1.2.9'], ['1.3.0-alpha']],
    ['^1.2.3-beta', ['1.2.3-beta.2', '1.5.0-alpha'], ['2.0.0-alpha', '1.2.3-alpha']],
    ['1.2.x-0', ['1.2.5-beta', '1.2.0'], ['1.3.0']],
    // Prerelease identifiers: numeric < alphanumeric, numbers compared as numbers.
    ['>1.0.0-alpha.9', ['1.0.0-alpha.10', '1.0.0-alpha.a'], ['1.0.0-alpha.8']],
    ['<1.0.0-beta', ['1.0.0-alpha.99', '1.0.0-1'], ['1.0.0-beta.1']],
  ]);

  describe('per comparison (Masterminds v3.3, helm < 3.19)', () => {
    table([
      // The comparison without a prerelease refuses it, although the other one names one.
      ['>=1.0.0-0 <2.0.0', ['1.5.0'], ['1.5.0-beta']],
      // A plain != never looks at prereleases.
      ['!=1.0.0', ['2.0.0-beta', '0.1.0-alpha'], ['1.0.0']],
      ['!=1.x', [], ['2.0.0-beta']],
      ['>=1.0.0-0 || <1', ['1.2.0-beta'], ['0.5.0-beta']],
    ], 'comparison');
  });

  describe('per AND group (Masterminds v3.4, helm >= 3.19 and helm 4)', () => {
    table([
      ['>=1.0.0-0 <2.0.0', ['1.5.0', '1.5.0-beta', '2.0.0-beta'], ['2.0.0', '2.0.1-beta']],
      ['!=1.0.0', [], ['2.0.0-beta']],
      ['!=1.0.0-rc.1', ['2.0.0-beta'], ['1.0.0-rc.1']],
      ['>=1.0.0-0 || <1', ['1.2.0-beta'], ['0.5.0-beta']],
    ], 'and-group');
  });

  it('uses the per-group rule when no scope is given', () => {
    assert.equal(matches('>=1.0.0-0 <2.0.0', '1.5.0-beta'), true);
  });
});

describe('parseConstraint: invalid constraints', () => {
  const invalid = [
    '', ' ', '||', '1 ||', 'a', '>=', '~>', '==1', '1.2.3.4', '>=a', '1.2 -1.4', '1.2- 1.4', '1x', '1.2x',
    '1.0.0-01', '18446744073709551616', '1.0.0-', 'latest', '>=1.0.0\v<2.0.0', '1\u00a0', '1 | 2',
  ];
  for (const constraint of invalid) {
    it(`refuses ${JSON.stringify(constraint)} with reason InvalidConstraint`, () => {
      assert.throws(() => parseConstraint(constraint), (err: unknown) => {
        assert.ok(err instanceof InvalidConstraintError);
        assert.equal(err.reason, 'InvalidConstraint');
        assert.equal(err.constraint, constraint);
        return true;
      });
    });
  }

  it('names the part it could not read', () => {
    assert.throws(() => parseConstraint('>=1.0 || 1.2.3.4'), /improper constraint: {2}1\.2\.3\.4/);
  });

  it('accepts leading zeros in numbers and a wildcard standing for the rest', () => {
    assert.equal(matches('01.2', '1.2.5'), true);
    assert.equal(matches('>=1.x.x', '1.0.0'), true);
  });

  it(`refuses a constraint longer than ${MAX_CONSTRAINT_LENGTH} characters instead of spending time on it`, () => {
    assert.throws(() => parseConstraint(`${'1.2 '.repeat(300)}!`), /longer than 1024 characters/);
  });

  it('refuses a long invalid constraint quickly (no catastrophic backtracking)', () => {
    const started = performance.now();
    for (const unit of ['1.2 ', '1.x ', '1 ', '1.2-a ', '  ']) {
      assert.throws(() => parseConstraint(`${unit.repeat(Math.floor(1000 / unit.length))}!`), InvalidConstraintError);
    }
    assert.ok(performance.now() - started < 500, 'took less than 500 ms');
  });
});

describe('prereleaseScopeForHelm', () => {
  for (const [helm, scope] of [['v3.17.3', 'comparison'], ['3.18.6', 'comparison'], ['v3.19.0', 'and-group'], ['v4.1.4', 'and-group']] as const) {
    it(`gives ${scope} for helm ${helm}`, () => {
      assert.equal(prereleaseScopeForHelm(helm), scope);
    });
  }

  it('refuses a version it cannot read', () => {
    assert.throws(() => prereleaseScopeForHelm('devel'), RangeError);
  });
});
