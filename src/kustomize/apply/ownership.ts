// Whether prune may delete an object that left the source, from its live labels and annotations
// (pure). Never: an object the user opted out of pruning, one another Kustomization applied since
// (its labels name that one), one without this Kustomization's labels (someone took it over, as
// Flux's label inclusion rule), or one a Helm release manages (a HelmRelease owns it).
import type { KubeObject } from '../../kube/resource.ts';
import { OWNER_NAME_LABEL, OWNER_NAMESPACE_LABEL, type Owner } from './target.ts';

export const PRUNE_ANNOTATION = 'kustomize.capstan.dev/prune';
export const PRUNE_DISABLED = 'disabled';

/** undefined when prune may delete it; otherwise why not. */
export function pruneVeto(live: KubeObject, owner: Owner): string | undefined {
  const labels = live.metadata.labels ?? {};
  const annotations = live.metadata.annotations ?? {};
  if (annotations[PRUNE_ANNOTATION] === PRUNE_DISABLED) return `annotated ${PRUNE_ANNOTATION}: ${PRUNE_DISABLED}`;
  const release = annotations['meta.helm.sh/release-name'];
  if (release !== undefined || labels['app.kubernetes.io/managed-by'] === 'Helm') return `managed by Helm release ${release ?? '(unnamed)'}`;
  const name = labels[OWNER_NAME_LABEL];
  const namespace = labels[OWNER_NAMESPACE_LABEL];
  if (name === undefined || namespace === undefined) return 'not labelled as applied by this Kustomization';
  if (name !== owner.name || namespace !== owner.namespace) return `owned by Kustomization ${namespace}/${name}`;
  return undefined;
}
