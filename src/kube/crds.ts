// CustomResourceDefinitions as objects capstan writes (chart CRDs, its own): a new kind cannot be
// used until the API server serves it, so writers wait for Established.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from './client.ts';
import { objectPath, type ResourceRef } from './resource.ts';

export const CRD: ResourceRef = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false };

const POLL_MS = 200;

/** The CRD was refused (names conflict) or not served in time; the message says what to look at. */
export class CrdNotEstablishedError extends Error {
  override readonly name = 'CrdNotEstablishedError';
}

interface CrdStatus {
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

export async function waitEstablished(client: KubeClient, name: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const crd = await client.request<CrdStatus>('GET', objectPath(CRD, undefined, name), signal ? { signal } : {});
    const conditions = crd.status?.conditions ?? [];
    if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) return;
    const names = conditions.find((c) => c.type === 'NamesAccepted' && c.status === 'False');
    if (names) throw new CrdNotEstablishedError(`CRD ${name} was not accepted: ${names.message ?? names.reason ?? 'names conflict'}`);
    if (Date.now() > deadline) throw new CrdNotEstablishedError(`CRD ${name} did not become Established within ${String(Math.round(timeoutMs / 1000))} s; see kubectl describe crd ${name}`);
    await sleep(POLL_MS, undefined, signal ? { signal } : undefined);
  }
}
