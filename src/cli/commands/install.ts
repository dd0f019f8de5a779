// `capstan install` / `capstan uninstall`: the controller and its CRDs from the chart shipped with
// capstan (deploy/chart/capstan), rendered by helm and server-side applied (field manager
// `capstan`), so that running it again changes nothing; `--export` prints the YAML instead.
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump, load, loadAll } from 'js-yaml';
import { KINDS } from '../../api/kinds.ts';
import { openHelm } from '../../helm/cli.ts';
import { template } from '../../helm/commands.ts';
import { serverSideApply } from '../../kube/apply.ts';
import { CRD, waitEstablished } from '../../kube/crds.ts';
import { Discovery } from '../../kube/discovery.ts';
import { ApiError } from '../../kube/errors.ts';
import { collectionPath, objectPath, type KubeList, type KubeObject } from '../../kube/resource.ts';
import { VERSION } from '../../version.ts';
import { UsageError, UserError } from '../errors.ts';
import type { Colors } from '../output.ts';
import { startProgress } from '../progress.ts';
import type { Session } from '../session.ts';

/** The chart sits three folders above this file in src/ and in dist/ alike. */
export const CHART_DIR = join(import.meta.dirname, '..', '..', '..', 'deploy', 'chart', 'capstan');
export const DEFAULT_NAMESPACE = 'capstan-system';
const FIELD_MANAGER = 'capstan';

export interface InstallOptions {
  namespace: string;
  /** Image tag; default: this CLI's version. */
  version?: string | undefined;
  /** A YAML file of chart values (see deploy/chart/capstan/values.yaml). */
  values?: string | undefined;
  helmBinary: string;
  wait: boolean;
  timeoutMs: number;
}

interface Manifest extends KubeObject {
  apiVersion: string;
  kind: string;
}

/** The objects to apply, in order: the Namespace, the CRDs, then the chart's objects as helm sorted them. */
export async function renderInstall(options: InstallOptions): Promise<Manifest[]> {
  let values: Record<string, unknown> = {};
  if (options.values !== undefined) {
    try {
      values = (load(await readFile(options.values, 'utf8')) ?? {}) as Record<string, unknown>;
    } catch (err) {
      throw new UserError(`--values ${options.values}: ${err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err)}`);
    }
  }
  const image = { ...(values.image as Record<string, unknown> | undefined), tag: options.version ?? VERSION };
  const helm = await openHelm({ binary: options.helmBinary, home: join(tmpdir(), 'capstan-cli-helm') });
  const text = await template(helm, { namespace: options.namespace, releaseName: 'capstan', chart: CHART_DIR, values: { ...values, image }, includeCrds: true });
  const objects = loadAll(text).filter((o): o is Manifest => typeof o === 'object' && o !== null && 'kind' in o);
  const namespace: Manifest = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: options.namespace, labels: { 'app.kubernetes.io/part-of': 'capstan' } } };
  const crds = objects.filter((o) => o.kind === CRD.kind);
  return [namespace, ...crds, ...objects.filter((o) => o.kind !== CRD.kind)];
}

export function exportInstall(objects: readonly Manifest[]): string {
  return objects.map((o) => `---\n${dump(o, { lineWidth: -1, noRefs: true })}`).join('');
}

export async function runInstall(session: Session, options: InstallOptions, c: Colors, out: (s: string) => void): Promise<void> {
  const objects = await renderInstall(options);
  const discovery = new Discovery(session.client);
  for (const obj of objects) {
    const resource = await discovery.resource(obj.apiVersion, obj.kind);
    if (!resource) throw new UserError(`the cluster does not serve ${obj.apiVersion} ${obj.kind}: capstan needs Kubernetes 1.28 or later (capstan check)`);
    await serverSideApply(session.client, resource, obj, { fieldManager: FIELD_MANAGER, force: true });
    out(`${c.green('✔')} ${obj.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name} applied\n`);
    if (obj.kind === CRD.kind) await waitEstablished(session.client, obj.metadata.name, options.timeoutMs);
  }
  if (options.wait) await waitForDeployment(session, options.namespace, options.timeoutMs, c);
}

interface Deployment extends KubeObject {
  spec?: { replicas?: number };
  status?: { observedGeneration?: number; updatedReplicas?: number; availableReplicas?: number };
}

async function waitForDeployment(session: Session, namespace: string, timeoutMs: number, c: Colors): Promise<void> {
  const progress = startProgress(`waiting for deployment ${namespace}/capstan`, c);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await session.client.request<Deployment>('GET', objectPath({ group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true }, namespace, 'capstan'));
    const wanted = d.spec?.replicas ?? 1;
    const available = d.status?.availableReplicas ?? 0;
    progress.phase(`${String(available)}/${String(wanted)} replicas available`);
    if (d.status?.observedGeneration === d.metadata.generation && (d.status?.updatedReplicas ?? 0) >= wanted && available >= wanted) {
      progress.succeed(`capstan ${VERSION} is running in ${namespace} (${String(available)}/${String(wanted)} replicas)`);
      return;
    }
    if (Date.now() > deadline) {
      progress.fail(`deployment ${namespace}/capstan not available after ${String(Math.round(timeoutMs / 1000))} s`);
      throw new UserError(`deployment ${namespace}/capstan has ${String(available)}/${String(wanted)} replicas available: see kubectl -n ${namespace} describe deployment capstan`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export interface UninstallOptions extends Omit<InstallOptions, 'wait' | 'timeoutMs' | 'values' | 'version'> {
  crds: boolean;
  yes: boolean;
}

/**
 * Deletes the controller's objects (reverse order); with --crds --yes also capstan's objects and CRDs.
 * Releases are never uninstalled and applied objects never pruned: the controller goes first, then
 * the finalizers, so that nothing acts on the deletions the CRDs' deletion makes.
 */
export async function runUninstall(session: Session, options: UninstallOptions, c: Colors, out: (s: string) => void): Promise<void> {
  if (options.crds && !options.yes) {
    throw new UsageError('--crds deletes every HelmRelease, HelmRepository, Kustomization and alerting object in the cluster (the Helm releases and applied objects stay): add --yes to confirm');
  }
  const objects = await renderInstall({ ...options, wait: false, timeoutMs: 0 });
  const discovery = new Discovery(session.client);
  if (options.crds) {
    await stopController(session, objects, discovery, c);
    for (const kind of Object.values(KINDS)) {
      const resource = await discovery.resource(`${kind.group}/v1`, kind.kind);
      if (!resource) continue;
      const list = await session.client.request<KubeList<KubeObject>>('GET', collectionPath(resource));
      for (const o of list.items ?? []) {
        if (!o.metadata.finalizers?.length) continue;
        await session.client.request('PATCH', objectPath(resource, o.metadata.namespace, o.metadata.name), {
          body: { metadata: { finalizers: null } }, contentType: 'application/merge-patch+json',
        });
      }
    }
  }
  const doomed = objects.filter((o) => options.crds || o.kind !== CRD.kind).reverse();
  for (const obj of doomed) {
    const resource = await discovery.resource(obj.apiVersion, obj.kind);
    if (!resource) continue;
    try {
      await session.client.request('DELETE', objectPath(resource, resource.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name));
      out(`${c.green('✔')} ${obj.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name} deleted\n`);
    } catch (err) {
      if (!(err instanceof ApiError && err.statusCode === 404)) throw err;
    }
  }
}

// Beyond the pods' grace period (in which the controller finishes its helm operations), for the
// kubelet and the garbage collector.
const STOP_SLACK_MS = 30_000;

interface PodTemplateOwner extends Manifest {
  spec?: { template?: { spec?: { terminationGracePeriodSeconds?: number } } };
}

/**
 * Deletes the controller's Deployment and waits until its pods are gone (foreground deletion): a
 * controller still running would put its finalizers back, and once the CRDs are deleted it would
 * act on the deletions (uninstall the releases, prune what the Kustomizations applied).
 */
async function stopController(session: Session, objects: readonly Manifest[], discovery: Discovery, c: Colors): Promise<void> {
  for (const deployment of objects.filter((o): o is PodTemplateOwner => o.kind === 'Deployment')) {
    const resource = await discovery.resource(deployment.apiVersion, deployment.kind);
    if (!resource) continue;
    const { namespace, name } = deployment.metadata;
    const path = objectPath(resource, namespace, name);
    const what = `deployment ${namespace ?? ''}/${name}`;
    try {
      await session.client.request('DELETE', path, { query: { propagationPolicy: 'Foreground' } });
    } catch (err) {
      if (err instanceof ApiError && err.statusCode === 404) continue;
      throw err;
    }
    const progress = startProgress(`waiting for ${what} and its pods to go before the CRDs`, c);
    const timeoutMs = (deployment.spec?.template?.spec?.terminationGracePeriodSeconds ?? 30) * 1000 + STOP_SLACK_MS;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await session.client.getIfExists(path) === undefined) {
        progress.succeed(`Deployment ${namespace ?? ''}/${name} deleted, its pods gone`);
        break;
      }
      if (Date.now() > deadline) {
        progress.fail(`${what} still there after ${String(timeoutMs / 1000)} s`);
        throw new UserError(`${what} is still there: nothing else was deleted (the CRDs stay while a controller may run); see kubectl -n ${namespace ?? ''} get pods, then run the command again`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
