// Medians and spread for benchmark figures (printed, never asserted).
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

export function summary(values: readonly number[], unit: string, digits = 0): string {
  const f = (n: number) => n.toFixed(digits);
  return `${f(median(values))} ${unit} (min ${f(Math.min(...values))}, max ${f(Math.max(...values))}, n=${values.length})`;
}
