// Go-style durations as the CRDs accept them (`30s`, `5m`, `1h30m`, `500ms`, `1.5h`).
import { DURATION_PATTERN } from './schema.ts';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PATTERN = new RegExp(DURATION_PATTERN);

export class DurationError extends Error {
  override readonly name = 'DurationError';
}

export function parseDuration(text: string): number {
  if (!PATTERN.test(text)) throw new DurationError(`"${text}" is not a duration such as 30s, 5m or 1h30m`);
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g)) {
    total += Number(amount) * (UNIT_MS[unit ?? 's'] ?? 0);
  }
  return Math.round(total);
}
