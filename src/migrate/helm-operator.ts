// Helm Operator (helm.fluxcd.io/v1) HelmRelease → capstan HelmRelease plus the source it needs.
// The release keeps its name and namespace, so that capstan adopts it instead of reinstalling it.
import type { HelmReleaseSpec, ValuesReference } from '../api/helmrelease.ts';
import type { Findings } from './findings.ts';
import type { SourceRequest } from './sources.ts';

interface OperatorRef {
  name?: string;
  namespace?: string;
  key?: string;
  optional?: boolean;
}

export interface OperatorHelmRelease {
  metadata: { name: string; namespace?: string };
  spec?: {
    releaseName?: string;
    targetNamespace?: string;
    helmVersion?: string;
    timeout?: number;
    wait?: boolean;
    resetValues?: boolean;
    forceUpgrade?: boolean;
    skipCRDs?: boolean;
    maxHistory?: number;
    values?: Record<string, unknown>;
    valuesFrom?: { configMapKeyRef?: OperatorRef; secretKeyRef?: OperatorRef; externalSourceRef?: unknown; chartFileRef?: unknown }[];
    chart?: { repository?: string; name?: string; version?: string; chartPullSecret?: unknown; git?: string; ref?: string; path?: string; secretRef?: { name: string }; skipDepUpdate?: boolean };
    rollback?: { enable?: boolean; retry?: boolean; maxRetries?: number; force?: boolean; recreate?: boolean; disableHooks?: boolean; timeout?: number; wait?: boolean };
    test?: { enable?: boolean; ignoreFailures?: boolean; timeout?: number; cleanup?: boolean };
  };
}

export interface Converted {
  spec: HelmReleaseSpec;
  source: SourceRequest;
}

const seconds = (n: number | undefined) => (n === undefined ? undefined : `${String(n)}s`);

/** Drops undefined members, so that the YAML holds only what was set. */
function defined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** undefined for an object with nothing set, so that it is left out. */
function nonEmpty<T extends Record<string, unknown>>(o: T): T | undefined {
  return Object.keys(o).length === 0 ? undefined : o;
}

/** git@host:org/repo (scp syntax, common in Helm Operator objects) → ssh://git@host/org/repo. */
export function gitUrl(url: string): string {
  const scp = /^([^@/]+@)?([^:/]+):(?!\/)(.+)$/.exec(url);
  return scp ? `ssh://${scp[1] ?? ''}${scp[2] ?? ''}/${scp[3] ?? ''}` : url;
}

function valuesFrom(hr: OperatorHelmRelease, namespace: string, object: string, findings: Findings): ValuesReference[] {
  const out: ValuesReference[] = [];
  (hr.spec?.valuesFrom ?? []).forEach((entry, i) => {
    const field = `spec.valuesFrom[${String(i)}]`;
    const ref = entry.configMapKeyRef ?? entry.secretKeyRef;
    if (ref?.name !== undefined) {
      const kind = entry.configMapKeyRef ? 'ConfigMap' : 'Secret';
      if (ref.namespace !== undefined && ref.namespace !== namespace) {
        findings.add(object, `${field}.${entry.configMapKeyRef ? 'configMapKeyRef' : 'secretKeyRef'}.namespace`, 'dropped',
          `capstan reads values from the HelmRelease's own namespace only: copy ${kind} ${ref.namespace}/${ref.name} into ${namespace}`);
        return;
      }
      out.push(defined({ kind, name: ref.name, valuesKey: ref.key, optional: ref.optional }));
      return;
    }
    if (entry.externalSourceRef !== undefined) findings.add(object, `${field}.externalSourceRef`, 'dropped', 'capstan does not fetch values from URLs: put them in a ConfigMap and reference it');
    else if (entry.chartFileRef !== undefined) findings.add(object, `${field}.chartFileRef`, 'dropped', 'capstan does not read values files from the chart: copy the file into a ConfigMap and reference it');
    else findings.add(object, field, 'dropped', 'an empty valuesFrom entry');
  });
  return out;
}

export function convertOperatorRelease(hr: OperatorHelmRelease, findings: Findings): Converted | undefined {
  const namespace = hr.metadata.namespace ?? 'default';
  const object = `HelmRelease ${namespace}/${hr.metadata.name} (helm.fluxcd.io/v1)`;
  const spec = hr.spec ?? {};
  const chart = spec.chart ?? {};
  if (spec.helmVersion !== undefined && spec.helmVersion !== 'v3') {
    findings.add(object, 'spec.helmVersion', 'dropped', `a helm ${spec.helmVersion} release cannot be adopted by capstan (helm 3/4): convert it with the helm-2to3 plugin first`);
  }
  let source: SourceRequest;
  let chartName: string;
  if (chart.git !== undefined) {
    source = { kind: 'GitRepository', url: gitUrl(chart.git), namespace, ref: chart.ref ?? 'master', ...(chart.secretRef ? { secretRef: chart.secretRef.name } : {}) };
    if (gitUrl(chart.git) !== chart.git) findings.add(object, 'spec.chart.git', 'changed', `written as ${gitUrl(chart.git)} (capstan takes URLs, not scp-style addresses)`);
    chartName = chart.path ?? '.';
    if (chart.skipDepUpdate !== undefined) findings.add(object, 'spec.chart.skipDepUpdate', 'dropped', 'capstan builds chart dependencies from Chart.lock');
  } else if (chart.repository !== undefined && chart.name !== undefined) {
    source = { kind: 'HelmRepository', url: chart.repository.replace(/\/+$/, ''), namespace };
    chartName = chart.name;
    if (chart.chartPullSecret !== undefined) {
      findings.add(object, 'spec.chart.chartPullSecret', 'dropped', 'capstan authenticates with a Secret of username and password: set secretRef on the HelmRepository');
    }
  } else {
    findings.add(object, 'spec.chart', 'dropped', 'neither repository + name nor git + path: nothing to install');
    return undefined;
  }
  const noWait = spec.wait !== true; // the Helm Operator did not wait unless told to
  const rollback = spec.rollback ?? {};
  if (rollback.recreate !== undefined) findings.add(object, 'spec.rollback.recreate', 'dropped', 'helm 3 has no --recreate-pods');
  if (spec.test?.cleanup !== undefined) findings.add(object, 'spec.test.cleanup', 'dropped', 'helm 3 removed test cleanup; test pods follow their hook-delete-policy');
  const retries = rollback.enable === true && rollback.retry === true ? rollback.maxRetries ?? 5 : 0;
  const converted: HelmReleaseSpec = defined({
    // The Helm Operator named releases <namespace>-<name>: written out so that the name is kept.
    releaseName: spec.releaseName ?? `${namespace}-${hr.metadata.name}`,
    targetNamespace: spec.targetNamespace,
    interval: '10m',
    timeout: seconds(spec.timeout),
    maxHistory: spec.maxHistory ?? 10,
    chart: { spec: defined({ chart: chartName, version: chart.version, sourceRef: { kind: source.kind, name: '' } }) },
    values: spec.values,
    valuesFrom: spec.valuesFrom ? valuesFrom(hr, namespace, object, findings) : undefined,
    install: nonEmpty(defined({ disableWait: noWait || undefined, crds: spec.skipCRDs === true ? 'Skip' as const : undefined })),
    upgrade: nonEmpty(defined({
      disableWait: noWait || undefined,
      force: spec.forceUpgrade,
      remediation: rollback.enable === true ? { strategy: 'rollback' as const, retries, remediateLastFailure: true } : undefined,
    })),
    rollback: rollback.enable === true ? defined({ force: rollback.force, disableHooks: rollback.disableHooks, timeout: seconds(rollback.timeout), disableWait: rollback.wait === true ? undefined : true }) : undefined,
    test: spec.test ? defined({ enable: spec.test.enable, ignoreFailures: spec.test.ignoreFailures, timeout: seconds(spec.test.timeout) }) : undefined,
  });
  return { spec: converted, source };
}
