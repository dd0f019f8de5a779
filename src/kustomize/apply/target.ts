// Where each object of a set goes: its REST collection (discovery), its namespace, and the owner
// labels that tie it to its Kustomization (prune reads them back). An object of a kind the API
// server does not serve yet is deferred when a CRD of the same set defines it: it can only be
// validated once that CRD is Established.
import type { Discovery } from '../../kube/discovery.ts';
import { objectPath, type KubeObject, type ResourceRef } from '../../kube/resource.ts';
import { ApplyError } from './errors.ts';
import { describeObject, splitApiVersion } from './inventory.ts';

export const OWNER_NAME_LABEL = 'kustomize.capstan.dev/name';
export const OWNER_NAMESPACE_LABEL = 'kustomize.capstan.dev/namespace';

export interface Owner {
  name: string;
  namespace: string;
}

/** An object ready to be sent: labelled, with its collection and path. */
export interface Target {
  object: KubeObject;
  resource: ResourceRef;
  path: string;
  /** "Deployment/apps/web". */
  id: string;
}

export function labelled(o: KubeObject, owner: Owner): KubeObject {
  const labels = { ...o.metadata.labels, [OWNER_NAME_LABEL]: owner.name, [OWNER_NAMESPACE_LABEL]: owner.namespace };
  return { ...o, metadata: { ...o.metadata, labels } };
}

interface CrdObject extends KubeObject {
  spec?: { group?: string; names?: { kind?: string } };
}

/** `group/Kind` of every kind the CRDs of a set define. */
export function kindsDefinedBy(objects: readonly KubeObject[]): Set<string> {
  const kinds = new Set<string>();
  for (const o of objects as readonly CrdObject[]) {
    if (o.kind === 'CustomResourceDefinition' && o.spec?.group && o.spec.names?.kind) kinds.add(`${o.spec.group}/${o.spec.names.kind}`);
  }
  return kinds;
}

/** The object's target, 'deferred' (its CRD is in the set, not served yet), or an ApplyError saying what to fix. */
export async function targetOf(o: KubeObject, discovery: Discovery, definedInSet: ReadonlySet<string>): Promise<Target | 'deferred'> {
  const what = describeObject(o);
  if (!o.apiVersion || !o.kind || !o.metadata.name) {
    throw new ApplyError('ValidationFailed', what, `${what}: an object needs apiVersion, kind and metadata.name; fix it in the source`);
  }
  const resource = await discovery.resource(o.apiVersion, o.kind);
  if (!resource) {
    if (definedInSet.has(`${splitApiVersion(o.apiVersion).group}/${o.kind}`)) return 'deferred';
    throw new ApplyError('ValidationFailed', what, `${what}: the API server does not serve ${o.apiVersion} ${o.kind}; fix the apiVersion or install the CRD that defines it`);
  }
  let object = o;
  if (!resource.namespaced && o.metadata.namespace !== undefined) {
    // A cluster-scoped object has no namespace: kustomize's namespace transformer sets one on
    // kinds it does not know; the API server would ignore it, so does the inventory.
    const { namespace: _namespace, ...metadata } = o.metadata;
    object = { ...o, metadata };
  }
  if (resource.namespaced && !object.metadata.namespace) {
    throw new ApplyError('ValidationFailed', what, `${what}: no metadata.namespace; set it in the source or set spec.targetNamespace`);
  }
  return { object, resource, path: objectPath(resource, object.metadata.namespace, object.metadata.name), id: describeObject(object) };
}
