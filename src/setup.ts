// Registers every kind's informers and reconciler with the manager, and wires the triggers
// between them through reference indexes. The one place that knows which reconcilers run.
import { join } from 'node:path';
import type { GitRepository, HelmRelease, HelmRepository, Kustomization } from './api/objects.ts';
import { openHelm } from './helm/cli.ts';
import { helmReleaseReconciler } from './helmrelease/reconciler.ts';
import { chartSourceKey } from './helmrelease/chart-request.ts';
import { releaseName, releaseNamespace } from './helmrelease/naming.ts';
import { ReleaseIndex } from './helmrelease/release-index.ts';
import { ValuesSourceReader } from './helmrelease/values-sources.ts';
import type { KubeClient } from './kube/client.ts';
import type { EventRecorder } from './kube/events.ts';
import { deepEqual } from './kube/merge-patch.ts';
import { capstanResource, CORE, objectKey, type KubeObject } from './kube/resource.ts';
import { ItemBackoff } from './runtime/backoff.ts';
import type { Controller } from './runtime/controller.ts';
import type { Manager } from './runtime/manager.ts';
import type { Metrics } from './runtime/metrics.ts';
import { createLogger, type Logger } from './log/logger.ts';
import { setupNotifications, type Notifications } from './notification/setup.ts';
import { dependencyRefs, referenceOf, type Dependent, type DependentKind, type Lookup } from './runtime/dependencies.ts';
import { ReferenceIndex } from './runtime/reference-index.ts';
import { kustomizationReconciler } from './kustomize/reconciler.ts';
import { ChartCache } from './source/chart-cache.ts';
import { ChartSource } from './source/chart-source.ts';
import { GitCharts } from './source/git-chart.ts';
import { GitArtifactStore } from './source/gitrepository/artifact.ts';
import { gitRepositoryReconciler } from './source/gitrepository/reconciler.ts';
import { helmRepositoryReconciler } from './source/helmrepository/reconciler.ts';
import { IndexCache } from './source/index-cache.ts';
import { resolveOptionsForHelm } from './source/resolve.ts';

export interface SetupOptions {
  client: KubeClient;
  events: EventRecorder;
  metrics: Metrics;
  cacheDir: string;
  helmBinary: string;
  /** The kubectl whose embedded kustomize builds Kustomizations' kustomization.yaml (default: kubectl on PATH). */
  kubectlBinary?: string;
  /** Given to helm; unset in-cluster. */
  kubeconfig?: string;
  /** --as: the user every helm call acts as (unless a HelmRelease's service account is used). */
  as?: string | undefined;
  watchNamespace?: string;
  watchLabelSelector?: string;
  allowCrossNamespace: boolean;
  defaultServiceAccount?: string;
  requeueDependencyMs: number;
  /** How long a pending release written while capstan runs is left to its helm (helmrelease/lock.ts). */
  lockGraceMs?: number;
  helmKillGraceMs?: number;
  indexMaxBytes?: number;
  /** For what happens outside reconciles (alert delivery, webhooks); silent when unset. */
  log?: Logger;
}

export interface Controllers {
  helmRepositories: Controller;
  gitRepositories: Controller;
  /** Where GitRepository artifacts are stored, by digest. */
  gitArtifacts: GitArtifactStore;
  helmReleases: Controller;
  kustomizations: Controller;
  indexCache: IndexCache;
  notifications: Notifications;
}

export async function setupControllers(manager: Manager, options: SetupOptions): Promise<Controllers> {
  const { client, events } = options;
  const scope = { namespace: options.watchNamespace, labelSelector: options.watchLabelSelector };
  const indexCache = new IndexCache({ dir: join(options.cacheDir, 'indexes') });
  const helm = await openHelm({
    binary: options.helmBinary,
    home: join(options.cacheDir, 'helm'),
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.as !== undefined ? { impersonate: options.as } : {}),
    ...(options.helmKillGraceMs !== undefined ? { killGraceMs: options.helmKillGraceMs } : {}),
    observe: (action, result, ms) => { options.metrics.helmActions.observe({ action, result }, ms / 1000); },
  });

  // Sources.
  const repositories = manager.informer<HelmRepository>({ resource: capstanResource('HelmRepository'), ...scope });
  const releasesBySource = new ReferenceIndex();
  // A failed fetch is retried from 1 s (not 5 ms): the other side is a remote server.
  const helmRepositories = manager.controller(
    helmRepositoryReconciler({
      client, informer: repositories, cache: indexCache, events, indexMaxBytes: options.indexMaxBytes,
      // The HelmRelease controller is created below; this only runs once the manager runs.
      onArtifact: (key) => { for (const hr of releasesBySource.ownersOf(`HelmRepository/${key}`)) hrController.enqueue(hr); },
    }),
    new ItemBackoff({ baseMs: 1000, maxMs: 15 * 60_000 }),
  );
  repositories.addHandlers(enqueueOnChange(helmRepositories));

  // Git sources: each polled with one ls-remote per interval. Their consumers (Kustomizations,
  // HelmReleases with charts from Git) register below to hear of each new artifact revision.
  const gitArtifacts = new GitArtifactStore(join(options.cacheDir, 'git'));
  await gitArtifacts.removeWorkDirs();
  const gitArtifactListeners: ((key: string) => void)[] = [];
  const announceGitArtifact = (key: string) => { for (const listener of gitArtifactListeners) listener(key); };
  const gitRepos = manager.informer<GitRepository>({ resource: capstanResource('GitRepository'), ...scope });
  const gitRepositories = manager.controller(
    gitRepositoryReconciler({
      client, informer: gitRepos, store: gitArtifacts, events,
      onArtifact: announceGitArtifact,
    }),
    new ItemBackoff({ baseMs: 1000, maxMs: 15 * 60_000 }),
  );
  // Our own status writes come back as updates: only a change of intent is worth an ls-remote.
  gitRepos.addHandlers({
    add: (o) => { gitRepositories.enqueue(objectKey(o.metadata)); },
    update: (o, old) => {
      if (o.metadata.generation !== old.metadata.generation || !deepEqual(o.metadata.annotations, old.metadata.annotations)) gitRepositories.enqueue(objectKey(o.metadata));
      if (!deepEqual(o.status?.artifact, old.status?.artifact)) announceGitArtifact(objectKey(o.metadata));
    },
  });

  // Releases: HelmReleases, the metadata of ConfigMaps and Secrets (values, release storage).
  const hrs = manager.informer<HelmRelease>({ resource: capstanResource('HelmRelease'), ...scope });
  const configMaps = manager.informer<KubeObject>({ resource: CORE.ConfigMap, namespace: options.watchNamespace, metadataOnly: true });
  const secrets = manager.informer<KubeObject>({ resource: CORE.Secret, metadataOnly: true });
  const releases = new ReleaseIndex(secrets);
  const values = new ValuesSourceReader(client, configMaps, secrets);
  // HelmReleases and Kustomizations may depend on each other (dependsOn with kind).
  const kss = manager.informer<Kustomization>({ resource: capstanResource('Kustomization'), ...scope });
  const dependencies: Lookup = (ref) => {
    const key = ref.slice(ref.indexOf('/') + 1);
    return ref.startsWith('HelmRelease/') ? hrs.get(key) : kss.get(key);
  };
  const chartCache = new ChartCache({ dir: join(options.cacheDir, 'charts') });
  const charts = new ChartSource({
    client, repositories: (key) => repositories.get(key), indexCache,
    chartCache,
    helmBinary: options.helmBinary, resolveOptions: resolveOptionsForHelm(helm.version), allowCrossNamespace: options.allowCrossNamespace,
    git: { repositories: (key) => gitRepos.get(key), charts: new GitCharts({ store: gitArtifacts, cache: chartCache, helm }) },
  });
  const hrController = manager.controller(helmReleaseReconciler({
    client, informer: hrs, releases, values, charts, helm, events,
    allowCrossNamespace: options.allowCrossNamespace, defaultServiceAccount: options.defaultServiceAccount,
    requeueDependencyMs: options.requeueDependencyMs, dependencies,
    ...(options.lockGraceMs !== undefined ? { lockGraceMs: options.lockGraceMs } : {}),
  }));

  const byValues = new ReferenceIndex();
  const byDependency = new ReferenceIndex();
  const byRelease = new ReferenceIndex();
  const index = (hr: HelmRelease) => {
    const key = objectKey(hr.metadata);
    const ns = hr.metadata.namespace ?? 'default';
    releasesBySource.set(key, [chartSourceKey(hr)]);
    byValues.set(key, (hr.spec.valuesFrom ?? []).map((v) => `${v.kind}/${ns}/${v.name}`));
    byDependency.set(referenceOf('HelmRelease', hr), dependencyRefs(hr, 'HelmRelease'));
    byRelease.set(key, [`${releaseNamespace(hr)}/${releaseName(hr)}`]);
  };
  const becameReady = (hr: Dependent, old?: Dependent) => {
    const ready = (o?: Dependent) => o?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
    return ready(hr) && !ready(old);
  };
  hrs.addHandlers({
    add: (hr) => { index(hr); hrController.enqueue(objectKey(hr.metadata)); },
    update: (hr, old) => {
      index(hr);
      // Our own status writes come back as updates too: only a change of intent is worth a reconcile.
      if (hr.metadata.generation !== old.metadata.generation || !deepEqual(hr.metadata.annotations, old.metadata.annotations) ||
        hr.metadata.deletionTimestamp !== old.metadata.deletionTimestamp || !deepEqual(hr.metadata.finalizers, old.metadata.finalizers)) {
        hrController.enqueue(objectKey(hr.metadata));
      }
      if (becameReady(hr, old)) enqueueDependents('HelmRelease', hr);
    },
    delete: (hr) => {
      const key = objectKey(hr.metadata);
      for (const idx of [releasesBySource, byValues, byRelease]) idx.delete(key);
      byDependency.delete(referenceOf('HelmRelease', hr));
    },
  });
  const onValuesChange = (kind: 'ConfigMap' | 'Secret') => (o: KubeObject) => {
    const ref = `${kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    for (const hr of byValues.ownersOf(ref)) hrController.enqueue(hr);
    for (const ks of ksByVariables.ownersOf(ref)) ksController.enqueue(ks);
  };
  configMaps.addHandlers({ add: onValuesChange('ConfigMap'), update: onValuesChange('ConfigMap'), delete: onValuesChange('ConfigMap') });
  secrets.addHandlers({ add: onValuesChange('Secret'), update: onValuesChange('Secret'), delete: onValuesChange('Secret') });
  // A release changed by anyone (helm by hand, a crash) gets its HelmRelease looked at again.
  releases.onChange((namespace, name) => { for (const hr of byRelease.ownersOf(`${namespace}/${name}`)) hrController.enqueue(hr); });
  // A new artifact revision: the HelmReleases whose chart comes from that GitRepository look again.
  gitArtifactListeners.push((key) => { for (const hr of releasesBySource.ownersOf(`GitRepository/${key}`)) hrController.enqueue(hr); });

  // Kustomizations: plain YAML from GitRepository artifacts, applied after their dependencies.
  const ksBySource = new ReferenceIndex();
  const ksByVariables = new ReferenceIndex();
  const ksController = manager.controller(kustomizationReconciler({
    client, informer: kss, sources: (key) => gitRepos.get(key), artifacts: gitArtifacts, events, dependencies,
    kubectl: options.kubectlBinary ?? 'kubectl', allowCrossNamespace: options.allowCrossNamespace,
    defaultServiceAccount: options.defaultServiceAccount, requeueDependencyMs: options.requeueDependencyMs,
  }));
  gitArtifactListeners.push((key) => { for (const ks of ksBySource.ownersOf(`GitRepository/${key}`)) ksController.enqueue(ks); });
  const indexKs = (ks: Kustomization) => {
    const key = objectKey(ks.metadata);
    const ns = ks.metadata.namespace ?? 'default';
    ksBySource.set(key, [`GitRepository/${ks.spec.sourceRef.namespace ?? ns}/${ks.spec.sourceRef.name}`]);
    ksByVariables.set(key, (ks.spec.postBuild?.substituteFrom ?? []).map((v) => `${v.kind}/${ns}/${v.name}`));
    byDependency.set(referenceOf('Kustomization', ks), dependencyRefs(ks, 'Kustomization'));
  };
  kss.addHandlers({
    add: (ks) => { indexKs(ks); ksController.enqueue(objectKey(ks.metadata)); },
    update: (ks, old) => {
      indexKs(ks);
      // Our own status writes come back as updates too: only a change of intent is worth a reconcile.
      if (ks.metadata.generation !== old.metadata.generation || !deepEqual(ks.metadata.annotations, old.metadata.annotations) ||
        ks.metadata.deletionTimestamp !== old.metadata.deletionTimestamp) {
        ksController.enqueue(objectKey(ks.metadata));
      }
      // A new revision applied matters too: dependents of the same source wait for it (kustomize/reconciler.ts).
      const applied = ks.status?.lastAppliedRevision !== old.status?.lastAppliedRevision;
      if (becameReady(ks, old) || (applied && becameReady(ks))) enqueueDependents('Kustomization', ks);
    },
    delete: (ks) => {
      for (const idx of [ksBySource, ksByVariables]) idx.delete(objectKey(ks.metadata));
      byDependency.delete(referenceOf('Kustomization', ks));
    },
  });
  // A dependency that became Ready lets its dependents (of either kind) go on at once.
  function enqueueDependents(kind: DependentKind, o: Dependent): void {
    for (const dependent of byDependency.ownersOf(referenceOf(kind, o))) {
      const key = dependent.slice(dependent.indexOf('/') + 1);
      (dependent.startsWith('HelmRelease/') ? hrController : ksController).enqueue(key);
    }
  }

  // Notifications: alerts about the events above, and webhooks that request reconciles.
  const notifications = setupNotifications(manager, {
    client, events, metrics: options.metrics, log: options.log ?? createLogger({ level: 'silent', format: 'json' }), secrets,
    watchNamespace: options.watchNamespace, watchLabelSelector: options.watchLabelSelector, allowCrossNamespace: options.allowCrossNamespace,
  });

  return { helmRepositories, gitRepositories, gitArtifacts, helmReleases: hrController, kustomizations: ksController, indexCache, notifications };
}

/** Enqueues the object's key on every change; the reconcile sees whether it still exists. */
function enqueueOnChange<T extends KubeObject>(controller: Controller) {
  const enqueue = (o: T) => { controller.enqueue(objectKey(o.metadata)); };
  return { add: enqueue, update: enqueue, delete: enqueue };
}
