// Converts Helm Operator and Flux v2 objects into capstan objects (pure): the releases keep their
// names, so capstan adopts them. Everything that cannot be carried over exactly is a finding.
import { HelmReleaseSpec } from '../api/helmrelease.ts';
import { GitRepositorySpec, HelmRepositorySpec } from '../api/source.ts';
import type { TSchema } from '../api/schema.ts';
import { Findings } from './findings.ts';
import { fitToSchema } from './fit.ts';
import { convertOperatorRelease, type OperatorHelmRelease } from './helm-operator.ts';
import { SourceSet } from './sources.ts';

export interface InputObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

export interface OutputObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  spec: unknown;
}

export interface Migration {
  objects: OutputObject[];
  findings: Findings;
}

/** apiVersion/kind pairs `capstan migrate` reads. */
export const SUPPORTED = [
  'helm.fluxcd.io/v1 HelmRelease',
  'helm.toolkit.fluxcd.io/v2 HelmRelease', 'helm.toolkit.fluxcd.io/v2beta2 HelmRelease', 'helm.toolkit.fluxcd.io/v2beta1 HelmRelease',
  'source.toolkit.fluxcd.io/v1 HelmRepository', 'source.toolkit.fluxcd.io/v1beta2 HelmRepository',
  'source.toolkit.fluxcd.io/v1 GitRepository', 'source.toolkit.fluxcd.io/v1beta2 GitRepository',
] as const;

const TARGET: Record<string, { apiVersion: string; schema: TSchema }> = {
  HelmRelease: { apiVersion: 'helm.capstan.dev/v1', schema: HelmReleaseSpec },
  HelmRepository: { apiVersion: 'source.capstan.dev/v1', schema: HelmRepositorySpec },
  GitRepository: { apiVersion: 'source.capstan.dev/v1', schema: GitRepositorySpec },
};

export class UnsupportedObjectError extends Error {
  override readonly name = 'UnsupportedObjectError';
}

function describe(o: InputObject): string {
  return `${o.kind ?? '?'} ${o.metadata?.namespace ?? 'default'}/${o.metadata?.name ?? '?'} (${o.apiVersion ?? '?'})`;
}

export function migrate(inputs: readonly InputObject[]): Migration {
  const findings = new Findings();
  const sources = new SourceSet();
  const objects: OutputObject[] = [];
  for (const o of inputs) {
    if (!SUPPORTED.includes(`${o.apiVersion ?? ''} ${o.kind ?? ''}` as (typeof SUPPORTED)[number]) || !o.metadata?.name) {
      throw new UnsupportedObjectError(`${describe(o)} is not an object capstan migrate reads: give it ${SUPPORTED.join(', ')}`);
    }
    if (o.apiVersion?.startsWith('source.toolkit.fluxcd.io/')) sources.reserve(o.metadata.namespace ?? 'default', o.kind ?? '', o.metadata.name);
  }
  for (const o of inputs) {
    const name = o.metadata?.name ?? '';
    const namespace = o.metadata?.namespace ?? 'default';
    const kind = o.kind ?? '';
    const labels = o.metadata?.labels && Object.keys(o.metadata.labels).length > 0 ? { labels: o.metadata.labels } : {};
    if (o.apiVersion === 'helm.fluxcd.io/v1') {
      const converted = convertOperatorRelease(o as OperatorHelmRelease, findings);
      if (!converted) continue;
      const sourceName = sources.nameFor(converted.source);
      const chart = converted.spec.chart?.spec;
      if (chart) chart.sourceRef = { kind: converted.source.kind, name: sourceName };
      objects.push({ apiVersion: 'helm.capstan.dev/v1', kind, metadata: { name, namespace, ...labels }, spec: converted.spec });
      continue;
    }
    // Flux v2 objects share capstan's field names: keep what fits, report the rest.
    const target = TARGET[kind];
    if (!target) continue;
    const spec = fitToSchema(o.spec ?? {}, target.schema, 'spec', describe(o), findings) as Record<string, unknown> | undefined;
    const fluxSpec = o.spec as { storageNamespace?: string; targetNamespace?: string } | undefined;
    if (kind === 'HelmRelease' && fluxSpec?.storageNamespace !== undefined && fluxSpec.storageNamespace !== (fluxSpec.targetNamespace ?? namespace)) {
      findings.add(describe(o), 'spec.storageNamespace', 'changed', `helm keeps the history in the release namespace (${fluxSpec.targetNamespace ?? namespace}) under capstan: the existing history in ${fluxSpec.storageNamespace} is not seen, so the release is installed anew`);
    }
    if (kind === 'HelmRelease' && spec?.chart === undefined && spec?.chartRef === undefined) {
      findings.add(describe(o), 'spec.chart', 'dropped', 'no chart capstan can fetch (a HelmChart or OCIRepository source has no capstan equivalent: use a HelmRepository of type oci)');
      continue;
    }
    objects.push({ apiVersion: target.apiVersion, kind, metadata: { name, namespace, ...labels }, spec: spec ?? {} });
  }
  return { objects: [...sources.objects(), ...objects], findings };
}
