// The order objects are applied in, and deleted in reverse: kustomize's legacy order (the one
// Flux's ssa package sorts by), so that a Namespace exists before what lives in it, a
// ServiceAccount before the Deployment that runs as it, and custom resources come after all
// built-in kinds. Pure.

// Kinds before the rest, in this order; kinds not listed come after them, webhooks last of all
// (so that a webhook whose Service is not up yet cannot refuse the objects applied after it).
const FIRST = [
  'Namespace', 'ResourceQuota', 'StorageClass', 'CustomResourceDefinition', 'ServiceAccount', 'PodSecurityPolicy',
  'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ConfigMap', 'Secret', 'Endpoints', 'Service',
  'LimitRange', 'PriorityClass', 'PersistentVolume', 'PersistentVolumeClaim', 'Deployment', 'StatefulSet',
  'CronJob', 'PodDisruptionBudget',
];
const LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];
// Below every other rank, keeping CRDs (applied after Namespaces) deleted before Namespaces.
const SETUP_LAST = 1000;

export function applyRank(kind: string): number {
  const first = FIRST.indexOf(kind);
  if (first >= 0) return first;
  const last = LAST.indexOf(kind);
  return last >= 0 ? FIRST.length + 1 + last : FIRST.length;
}

/** The first stage: what every other object may need to exist (its kind, its namespace). */
export function isSetupKind(kind: string | undefined): boolean {
  return kind === 'CustomResourceDefinition' || kind === 'Namespace';
}

/**
 * Deletion order: the reverse of apply order, except that Namespaces and CRDs go last of all
 * (deleting one deletes everything in it or of its kind, which would pre-empt the objects' own
 * deletion order). `kindOf` reads an item's kind.
 */
export function pruneOrder<T>(items: readonly T[], kindOf: (item: T) => string): T[] {
  const rank = (item: T) => {
    const kind = kindOf(item);
    return isSetupKind(kind) ? applyRank(kind) - SETUP_LAST : applyRank(kind);
  };
  return items.map((item, index) => ({ item, index, rank: rank(item) }))
    .sort((a, b) => b.rank - a.rank || b.index - a.index)
    .map(({ item }) => item);
}
