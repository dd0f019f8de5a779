// A KubeClient for the test cluster (cluster admin) that counts its requests by verb.
import { KubeClient } from '../../src/kube/client.ts';
import { loadKubeConfig } from '../../src/kube/config.ts';
import { KUBECONFIG } from './paths.ts';

export interface CountingClient {
  client: KubeClient;
  counts: Map<string, number>;
  writes: () => number;
}

export function countingClient(kubeconfig = KUBECONFIG): CountingClient {
  const counts = new Map<string, number>();
  const client = new KubeClient(loadKubeConfig(kubeconfig), {
    observe: (verb) => { counts.set(verb, (counts.get(verb) ?? 0) + 1); },
  });
  const writes = () => ['POST', 'PUT', 'PATCH', 'DELETE'].reduce((n, v) => n + (counts.get(v) ?? 0), 0);
  return { client, counts, writes };
}
