// Where a HelmRelease's Helm release lives and what it is called (DESIGN §3 "Release name").
import { createHash } from 'node:crypto';
import type { HelmRelease } from '../api/objects.ts';

/** Helm refuses release names longer than 53 characters (they end up in Secret names and labels). */
export const MAX_RELEASE_NAME = 53;

export function releaseNamespace(hr: HelmRelease): string {
  return hr.spec.targetNamespace ?? hr.metadata.namespace ?? 'default';
}

/** `releaseName`, else `<targetNamespace>-<name>` when delegated, else `<name>`; shortened with a hash past 53. */
export function releaseName(hr: HelmRelease): string {
  if (hr.spec.releaseName) return hr.spec.releaseName;
  const full = hr.spec.targetNamespace ? `${hr.spec.targetNamespace}-${hr.metadata.name}` : hr.metadata.name;
  if (full.length <= MAX_RELEASE_NAME) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 12);
  return `${full.slice(0, 40)}-${hash}`;
}
