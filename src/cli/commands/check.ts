// `capstan check`: is this cluster ready for capstan, and is capstan running in it? Each line is
// ✔ or ✖ with the fix; the exit code is 1 when any check failed.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KINDS, type KindName } from '../../api/kinds.ts';
import { toCRD } from '../../api/crd.ts';
import { ApiError } from '../../kube/errors.ts';
import { deepEqual } from '../../kube/merge-patch.ts';
import { helmVersion } from '../../helm/version.ts';
import { VERSION } from '../../version.ts';
import type { Colors } from '../output.ts';
import type { Session } from '../session.ts';

export interface CheckResult {
  ok: boolean;
  text: string;
}

export interface CheckOptions {
  helmBinary: string;
  controllerNamespace: string;
}

const MIN_KUBERNETES = { major: 1, minor: 28 };

/** Pure: gitVersion "v1.34.4" against the minimum capstan needs (CEL rules, events.k8s.io/v1). */
export function checkKubernetesVersion(gitVersion: string): CheckResult {
  const m = /^v?(\d+)\.(\d+)/.exec(gitVersion);
  const ok = m !== null && (Number(m[1]) > MIN_KUBERNETES.major || (Number(m[1]) === MIN_KUBERNETES.major && Number(m[2]) >= MIN_KUBERNETES.minor));
  const min = `${String(MIN_KUBERNETES.major)}.${String(MIN_KUBERNETES.minor)}`;
  return ok ? { ok, text: `Kubernetes ${gitVersion} (>= ${min})` } : { ok, text: `Kubernetes ${gitVersion} is older than ${min}: upgrade the cluster` };
}

async function kubernetes(session: Session): Promise<CheckResult> {
  const info = await session.client.request<{ gitVersion: string }>('GET', '/version');
  return checkKubernetesVersion(info.gitVersion);
}

interface InstalledCRD {
  spec: { versions: { name: string; schema?: unknown }[] };
}

async function crd(session: Session, kind: KindName): Promise<CheckResult> {
  const info = KINDS[kind];
  const name = `${info.plural}.${info.group}`;
  const wanted = toCRD(info) as unknown as InstalledCRD;
  try {
    const installed = await session.client.request<InstalledCRD>('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
    const current = deepEqual(installed.spec.versions.find((v) => v.name === wanted.spec.versions[0]?.name)?.schema, wanted.spec.versions[0]?.schema);
    return current ? { ok: true, text: `CRD ${name} installed and current` } : { ok: false, text: `CRD ${name} differs from capstan ${VERSION}'s: run capstan install to update it` };
  } catch (err) {
    if (err instanceof ApiError && err.statusCode === 404) return { ok: false, text: `CRD ${name} is not installed: run capstan install` };
    throw err;
  }
}

interface Deployment {
  spec: { template: { spec: { containers: { name: string; image: string }[] } } };
  status?: { readyReplicas?: number; replicas?: number };
}

interface Lease {
  spec: { holderIdentity?: string; renewTime?: string; leaseDurationSeconds?: number };
}

async function controller(session: Session, namespace: string): Promise<CheckResult> {
  const deployment = await session.client.request<Deployment>('GET', `/apis/apps/v1/namespaces/${namespace}/deployments/capstan`).catch(() => undefined);
  if (deployment) {
    const image = deployment.spec.template.spec.containers.find((c) => c.name === 'controller')?.image ?? '?';
    const ready = deployment.status?.readyReplicas ?? 0;
    return ready > 0
      ? { ok: true, text: `controller running in ${namespace} (${image}, ${String(ready)}/${String(deployment.status?.replicas ?? 0)} ready)` }
      : { ok: false, text: `controller in ${namespace} has no ready replica (${image}): kubectl -n ${namespace} describe deployment capstan` };
  }
  const lease = await session.client.request<Lease>('GET', `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases/capstan-leader`).catch(() => undefined);
  const renewed = lease?.spec.renewTime ? Date.now() - Date.parse(lease.spec.renewTime) : Infinity;
  if (lease && renewed < (lease.spec.leaseDurationSeconds ?? 15) * 1000) {
    return { ok: true, text: `controller running (leader ${lease.spec.holderIdentity ?? '?'}, outside the cluster or not as deployment ${namespace}/capstan)` };
  }
  return { ok: false, text: `no capstan controller found in ${namespace}: install it with capstan install (or pass --controller-namespace)` };
}

async function helm(binary: string): Promise<CheckResult> {
  try {
    const v = await helmVersion(binary, join(tmpdir(), 'capstan-cli-helm'));
    return { ok: true, text: `helm ${v.version} (${binary}), used by capstan diff` };
  } catch (err) {
    return { ok: false, text: `${binary} cannot be run (${err instanceof Error ? err.message : String(err)}): install helm 3 or 4, or pass --helm-binary` };
  }
}

interface AccessReview {
  status?: { allowed: boolean };
}

/** What the CLI's own commands need (get, reconcile, suspend, events). */
async function access(session: Session): Promise<CheckResult> {
  const missing: string[] = [];
  for (const kind of Object.keys(KINDS) as KindName[]) {
    for (const verb of ['list', 'watch', 'patch']) {
      const review = await session.client.request<AccessReview>('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
        body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { namespace: session.scope, verb, group: KINDS[kind].group, resource: KINDS[kind].plural } } },
      });
      if (review.status?.allowed !== true) missing.push(`${verb} ${KINDS[kind].plural}.${KINDS[kind].group}`);
    }
  }
  const where = session.scope === undefined ? 'in all namespaces' : `in namespace ${session.scope}`;
  return missing.length === 0
    ? { ok: true, text: `RBAC: you may get, watch and patch capstan's objects ${where}` }
    : { ok: false, text: `RBAC: you may not ${missing.join(', ')} ${where}: ask a cluster admin for a role that grants them` };
}

export async function runCheck(session: Session, options: CheckOptions, c: Colors, out: (s: string) => void): Promise<boolean> {
  const checks: (() => Promise<CheckResult>)[] = [
    () => kubernetes(session),
    ...(Object.keys(KINDS) as KindName[]).map((kind) => () => crd(session, kind)),
    () => controller(session, options.controllerNamespace),
    () => helm(options.helmBinary),
    () => access(session),
  ];
  let ok = true;
  for (const check of checks) {
    const result = await check();
    ok &&= result.ok;
    out(`${result.ok ? c.green('✔') : c.red('✖')} ${result.text}\n`);
  }
  return ok;
}
