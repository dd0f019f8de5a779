// Go's sort.Sort, reproduced: the expected orders below were printed by Go's own sort.Sort (Go 1.26, and
// Go 1.23 where it differs) on the same inputs, elements compared by key only, so that equal keys show
// where the unstable sort leaves them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goSortArray, goSortVersionFor, type GoSortVersion } from '../../../src/source/go-sort.ts';

function sortedIds(keys: number[], go?: GoSortVersion): number[] {
  const items = keys.map((key, id) => ({ key, id }));
  goSortArray(items, (a, b) => a.key < b.key, go);
  return items.map((item) => item.id);
}

describe('goSortArray', () => {
  it('keeps equal elements in their order up to 12 elements (insertion sort)', () => {
    assert.deepEqual(sortedIds([1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0]), [1, 3, 5, 7, 9, 11, 0, 2, 4, 6, 8, 10]);
  });

  it('moves equal elements exactly as Go does on 20 elements (median of three)', () => {
    const keys = Array.from({ length: 20 }, (_, i) => (i * 7) % 3);
    assert.deepEqual(sortedIds(keys), [9, 18, 15, 3, 12, 0, 6, 10, 7, 4, 13, 16, 1, 19, 8, 5, 11, 14, 2, 17]);
  });

  it('moves equal elements exactly as Go 1.24 and later does on 64 elements (Tukey ninther)', () => {
    const keys = Array.from({ length: 64 }, (_, i) => (i * 37 + 11) % 5);
    assert.deepEqual(sortedIds(keys, 'go1.24'), [
      37, 22, 2, 32, 57, 42, 17, 7, 52, 27, 12, 47, 62, 30, 50, 15, 40, 55, 20, 5, 10, 0, 45, 60, 35, 25, 33, 43, 28, 63, 3, 58,
      23, 53, 8, 48, 13, 18, 38, 36, 31, 41, 1, 61, 16, 26, 46, 11, 56, 6, 21, 51, 34, 9, 54, 49, 19, 4, 44, 59, 24, 39, 14, 29,
    ]);
  });

  it('moves equal elements exactly as Go 1.19 to 1.23 does, whose pattern breaking differs', () => {
    const keys = Array.from({ length: 64 }, (_, i) => (i * 37 + 11) % 5);
    assert.deepEqual(sortedIds(keys, 'go1.19'), [
      37, 2, 12, 42, 57, 32, 22, 7, 52, 27, 17, 47, 62, 50, 60, 15, 40, 10, 25, 35, 55, 0, 20, 5, 30, 45, 33, 43, 28, 63, 3, 58,
      23, 53, 8, 48, 13, 18, 38, 36, 31, 41, 1, 61, 16, 26, 46, 11, 56, 6, 21, 51, 34, 9, 54, 49, 19, 4, 44, 59, 24, 39, 14, 29,
    ]);
  });

  it('reverses a descending run as Go does (decreasing hint)', () => {
    const keys = Array.from({ length: 60 }, (_, i) => 3 - Math.trunc(i / 20));
    assert.deepEqual(sortedIds(keys), [
      40, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 30, 20, 22, 23, 24, 25, 26, 27, 28, 29,
      21, 31, 32, 33, 34, 35, 36, 37, 38, 39, 0, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1,
    ]);
  });

  it('repairs a nearly sorted slice as Go does (partial insertion sort)', () => {
    const keys = Array.from({ length: 60 }, (_, i) => Math.trunc(i / 3));
    [keys[10], keys[40]] = [keys[40] ?? 0, keys[10] ?? 0];
    assert.deepEqual(sortedIds(keys), [
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 40, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
      30, 31, 32, 33, 34, 35, 36, 37, 38, 10, 39, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59,
    ]);
  });

  it('sorts any input: 500 pseudo-random keys end up in order', () => {
    const keys = Array.from({ length: 500 }, (_, i) => (i * 7919) % 97);
    const items = keys.map((key) => ({ key }));
    goSortArray(items, (a, b) => a.key < b.key);
    assert.deepEqual(items.map((i) => i.key), [...keys].sort((a, b) => a - b));
  });
});

describe('goSortVersionFor', () => {
  for (const [go, variant] of [['go1.19', 'go1.19'], ['go1.23.7', 'go1.19'], ['go1.24.0', 'go1.24'], ['go1.25.9', 'go1.24'], ['go1.26rc1', 'go1.24']] as const) {
    it(`reads ${go} as the sort of ${variant}`, () => {
      assert.equal(goSortVersionFor(go), variant);
    });
  }

  it('refuses a Go older than 1.19, whose sort.Sort was another algorithm', () => {
    assert.throws(() => goSortVersionFor('go1.18.10'), /predates Go 1\.19/);
    assert.throws(() => goSortVersionFor('devel'), RangeError);
  });
});
