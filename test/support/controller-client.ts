// A KubeClient for the test cluster (cluster admin) that counts its requests by verb, and apart
// the dry-run ones, which store nothing and so are not writes.
import { KubeClient } from '../../src/kube/client.ts';
import { loadKubeConfig } from '../../src/kube/config.ts';
import { KUBECONFIG } from './paths.ts';

export interface CountingClient {
  client: KubeClient;
  /** Every request by verb, dry runs included. */
  counts: Map<string, number>;
  /** Dry-run requests by verb. */
  dryRuns: Map<string, number>;
  /** PATCH, POST, PUT and DELETE requests that were not dry runs. */
  writes: () => number;
}

export function countingClient(kubeconfig = KUBECONFIG): CountingClient {
  const counts = new Map<string, number>();
  const dryRuns = new Map<string, number>();
  const count = (map: Map<string, number>, verb: string) => map.set(verb, (map.get(verb) ?? 0) + 1);
  const client = new KubeClient(loadKubeConfig(kubeconfig), {
    observe: (verb, _code, dryRun) => {
      count(counts, verb);
      if (dryRun) count(dryRuns, verb);
    },
  });
  const writes = () => ['POST', 'PUT', 'PATCH', 'DELETE'].reduce((n, v) => n + (counts.get(v) ?? 0) - (dryRuns.get(v) ?? 0), 0);
  return { client, counts, dryRuns, writes };
}
