// Go's sort.Sort (pattern-defeating quicksort, Go >= 1.19), step for step. Helm orders a chart's index
// entries with sort.Sort, which is not stable: entries that compare equal (same version, different build
// metadata or `v` prefix) end up in an order only this exact algorithm reproduces. Up to 12 entries it is
// an insertion sort (stable); beyond, ties move. Ported from Go's src/sort/zsortinterface.go.
//
// The order depends on the Go that built helm: Go 1.24 changed the shifts of the xorshift generator that
// breaks patterns (13/17/5 before, 13/7/17 since), so helm 3.17 (Go 1.23) and helm 4 (Go 1.25) can pull
// different entries among equal versions of the same index.

/** Go's sort.Interface over an index range. */
export interface SortData {
  readonly length: number;
  less(i: number, j: number): boolean;
  swap(i: number, j: number): void;
}

type Hint = 'unknown' | 'increasing' | 'decreasing';

/** The Go release whose sort.Sort to reproduce: 1.19 to 1.23, or 1.24 and later. */
export type GoSortVersion = 'go1.19' | 'go1.24';

const XORSHIFTS: Record<GoSortVersion, readonly [bigint, bigint, bigint]> = {
  'go1.19': [13n, 17n, 5n],
  'go1.24': [13n, 7n, 17n],
};

/** Which sort.Sort a Go release has (`go1.23.7`, as `helm version` prints it). */
export function goSortVersionFor(goVersion: string): GoSortVersion {
  const m = /^go1\.(\d+)(?:\.|rc|beta|$)/.exec(goVersion.trim());
  if (!m) throw new RangeError(`cannot read the Go version "${goVersion}"`);
  const minor = Number(m[1]);
  // Before 1.19, sort.Sort was a different algorithm (quicksort with median of three), not reproduced.
  if (minor < 19) throw new RangeError(`${goVersion} predates Go 1.19, whose sort capstan reproduces: use a helm built with Go 1.19 or later`);
  return minor < 24 ? 'go1.19' : 'go1.24';
}

const MASK64 = (1n << 64n) - 1n;

/** Go's bits.Len for a non-negative int. */
const bitLength = (n: number): number => (n === 0 ? 0 : n.toString(2).length);
const half = (n: number): number => Math.trunc(n / 2);

function insertionSort(data: SortData, a: number, b: number): void {
  for (let i = a + 1; i < b; i++) {
    for (let j = i; j > a && data.less(j, j - 1); j--) data.swap(j, j - 1);
  }
}

function siftDown(data: SortData, lo: number, hi: number, first: number): void {
  let root = lo;
  for (;;) {
    let child = 2 * root + 1;
    if (child >= hi) return;
    if (child + 1 < hi && data.less(first + child, first + child + 1)) child++;
    if (!data.less(first + root, first + child)) return;
    data.swap(first + root, first + child);
    root = child;
  }
}

function heapSort(data: SortData, a: number, b: number): void {
  const first = a;
  const hi = b - a;
  for (let i = half(hi - 1); i >= 0; i--) siftDown(data, i, hi, first);
  for (let i = hi - 1; i >= 0; i--) {
    data.swap(first, first + i);
    siftDown(data, 0, i, first);
  }
}

function partition(data: SortData, a: number, b: number, pivot: number): [number, boolean] {
  data.swap(a, pivot);
  let i = a + 1;
  let j = b - 1;
  while (i <= j && data.less(i, a)) i++;
  while (i <= j && !data.less(j, a)) j--;
  if (i > j) {
    data.swap(j, a);
    return [j, true];
  }
  data.swap(i, j);
  i++;
  j--;
  for (;;) {
    while (i <= j && data.less(i, a)) i++;
    while (i <= j && !data.less(j, a)) j--;
    if (i > j) break;
    data.swap(i, j);
    i++;
    j--;
  }
  data.swap(j, a);
  return [j, false];
}

function partitionEqual(data: SortData, a: number, b: number, pivot: number): number {
  data.swap(a, pivot);
  let i = a + 1;
  let j = b - 1;
  for (;;) {
    while (i <= j && !data.less(a, i)) i++;
    while (i <= j && data.less(a, j)) j--;
    if (i > j) return i;
    data.swap(i, j);
    i++;
    j--;
  }
}

function partialInsertionSort(data: SortData, a: number, b: number): boolean {
  const maxSteps = 5;
  const shortestShifting = 50;
  let i = a + 1;
  for (let step = 0; step < maxSteps; step++) {
    while (i < b && !data.less(i, i - 1)) i++;
    if (i === b) return true;
    if (b - a < shortestShifting) return false;
    data.swap(i, i - 1);
    if (i - a >= 2) {
      for (let j = i - 1; j >= 1; j--) {
        if (!data.less(j, j - 1)) break;
        data.swap(j, j - 1);
      }
    }
    if (b - i >= 2) {
      for (let j = i + 1; j < b; j++) {
        if (!data.less(j, j - 1)) break;
        data.swap(j, j - 1);
      }
    }
  }
  return false;
}

function breakPatterns(data: SortData, a: number, b: number, go: GoSortVersion): void {
  const length = b - a;
  if (length < 8) return;
  const [left, right, left2] = XORSHIFTS[go];
  let random = BigInt(length);
  const modulus = 1 << bitLength(length);
  const middle = a + Math.trunc(length / 4) * 2;
  for (let idx = middle - 1; idx <= middle + 1; idx++) {
    random ^= (random << left) & MASK64;
    random ^= random >> right;
    random ^= (random << left2) & MASK64;
    let other = Number(random & BigInt(modulus - 1));
    if (other >= length) other -= length;
    data.swap(idx, a + other);
  }
}

function median(data: SortData, a: number, b: number, c: number, swaps: { n: number }): number {
  const order2 = (x: number, y: number): [number, number] => {
    if (data.less(y, x)) {
      swaps.n++;
      return [y, x];
    }
    return [x, y];
  };
  const [a1, b1] = order2(a, b);
  const [b2] = order2(b1, c);
  return order2(a1, b2)[1];
}

function choosePivot(data: SortData, a: number, b: number): [number, Hint] {
  const shortestNinther = 50;
  const maxSwaps = 4 * 3;
  const l = b - a;
  const swaps = { n: 0 };
  const quarter = Math.trunc(l / 4);
  let i = a + quarter;
  let j = a + quarter * 2;
  let k = a + quarter * 3;
  if (l >= 8) {
    if (l >= shortestNinther) {
      i = median(data, i - 1, i, i + 1, swaps);
      j = median(data, j - 1, j, j + 1, swaps);
      k = median(data, k - 1, k, k + 1, swaps);
    }
    j = median(data, i, j, k, swaps);
  }
  if (swaps.n === 0) return [j, 'increasing'];
  if (swaps.n === maxSwaps) return [j, 'decreasing'];
  return [j, 'unknown'];
}

function reverseRange(data: SortData, a: number, b: number): void {
  for (let i = a, j = b - 1; i < j; i++, j--) data.swap(i, j);
}

function pdqsort(data: SortData, a: number, b: number, limit: number, go: GoSortVersion): void {
  const maxInsertion = 12;
  let wasBalanced = true;
  let wasPartitioned = true;
  for (;;) {
    const length = b - a;
    if (length <= maxInsertion) {
      insertionSort(data, a, b);
      return;
    }
    if (limit === 0) {
      heapSort(data, a, b);
      return;
    }
    if (!wasBalanced) {
      breakPatterns(data, a, b, go);
      limit--;
    }
    let [pivot, hint] = choosePivot(data, a, b);
    if (hint === 'decreasing') {
      reverseRange(data, a, b);
      pivot = b - 1 - (pivot - a);
      hint = 'increasing';
    }
    if (wasBalanced && wasPartitioned && hint === 'increasing' && partialInsertionSort(data, a, b)) return;
    if (a > 0 && !data.less(a - 1, pivot)) {
      a = partitionEqual(data, a, b, pivot);
      continue;
    }
    const [mid, alreadyPartitioned] = partition(data, a, b, pivot);
    wasPartitioned = alreadyPartitioned;
    const leftLen = mid - a;
    const rightLen = b - mid;
    const balanceThreshold = Math.trunc(length / 8);
    if (leftLen < rightLen) {
      wasBalanced = leftLen >= balanceThreshold;
      pdqsort(data, a, mid, limit, go);
      a = mid + 1;
    } else {
      wasBalanced = rightLen >= balanceThreshold;
      pdqsort(data, mid + 1, b, limit, go);
      b = mid;
    }
  }
}

/** Go's sort.Sort. */
export function goSort(data: SortData, go: GoSortVersion = 'go1.24'): void {
  if (data.length <= 1) return;
  pdqsort(data, 0, data.length, bitLength(data.length), go);
}

/** Go's sort.Sort over an array, in place, with `less` comparing elements. */
export function goSortArray<T>(items: T[], less: (a: T, b: T) => boolean, go: GoSortVersion = 'go1.24'): void {
  goSort({
    length: items.length,
    less: (i, j) => less(items[i] as T, items[j] as T),
    swap: (i, j) => {
      const t = items[i] as T;
      items[i] = items[j] as T;
      items[j] = t;
    },
  }, go);
}
