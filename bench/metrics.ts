// Reads a capstan controller's /metrics for the benchmarks: every sample with its labels, summed
// on demand by name and label values.
import type { ControllerProcess } from '../test/support/controller-process.ts';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const WRITE_VERBS = ['POST', 'PUT', 'PATCH', 'DELETE'];

export async function scrape(c: ControllerProcess): Promise<Sample[]> {
  const text = await (await fetch(`http://127.0.0.1:${String(c.metricsPort)}/metrics`)).text();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{([^}]*)\})? ([0-9.e+-]+)$/.exec(line);
    if (!m) continue;
    const [, name = '', labels = '', value = '0'] = m;
    samples.push({ name, labels: Object.fromEntries([...labels.matchAll(/(\w+)="([^"]*)"/g)].map(([, k = '', v = '']) => [k, v])), value: Number(value) });
  }
  return samples;
}

/** The sum of the samples of `name` whose labels include `labels`. */
export function sumOf(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}

/** API requests of one verb; dry runs (dry_run="true") stored nothing. */
export const requests = (samples: readonly Sample[], verb: string, dryRun = false) =>
  sumOf(samples, 'capstan_api_requests_total', { verb, dry_run: String(dryRun) });

/** API writes: POST, PUT, PATCH and DELETE requests that were not dry runs. */
export const writesOf = (samples: readonly Sample[]) => WRITE_VERBS.reduce((n, verb) => n + requests(samples, verb), 0);
