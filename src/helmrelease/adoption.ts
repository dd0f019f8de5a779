// A deployed release that capstan has no history of (installed by hand, by the Helm Operator or by
// Flux, or by capstan before its HelmRelease was recreated): when it already runs the desired chart
// version with the desired values, capstan records it as it is instead of upgrading it, so that a
// migration makes no new revision. Read from the revision's Secret, once, only in that case.
import type { Snapshot } from '../api/helmrelease.ts';
import { readRelease } from '../helm/release-storage.ts';
import type { KubeClient } from '../kube/client.ts';
import type { Desired } from './plan.ts';
import { valuesDigest } from './values/digest.ts';
import type { Value } from './values/value.ts';

interface StoredChart {
  chart?: { metadata?: { name?: string; version?: string; appVersion?: string } };
  config?: Record<string, unknown> | null;
  info?: { first_deployed?: string; last_deployed?: string };
}

/** The snapshot to record when the deployed revision is already the desired one; else undefined. */
export async function adoptable(client: KubeClient, namespace: string, name: string, revision: number, desired: Desired): Promise<Snapshot | undefined> {
  const stored = await readRelease(client, namespace, name, revision);
  if (!stored) return undefined;
  const release = stored.release as StoredChart;
  const meta = release.chart?.metadata;
  // decodeRelease keeps numbers as written (JSON.rawJSON); a round trip gives plain numbers, as
  // helm itself reads the values (float64).
  const config = JSON.parse(JSON.stringify(release.config ?? {})) as Value;
  if (meta?.name !== desired.chartName || meta.version !== desired.chartVersion || valuesDigest(config) !== desired.valuesDigest) return undefined;
  return {
    name, namespace, version: revision, status: 'deployed', chartName: meta.name, chartVersion: meta.version,
    ...(meta.appVersion ? { appVersion: meta.appVersion } : {}),
    chartDigest: desired.chartDigest, configDigest: desired.valuesDigest,
    ...(release.info?.first_deployed ? { firstDeployed: release.info.first_deployed } : {}),
    ...(release.info?.last_deployed ? { lastDeployed: release.info.last_deployed } : {}),
  };
}
