// spec.targetNamespace and spec.commonMetadata, applied to built objects the way Flux has
// kustomize apply them: the namespace goes on namespaced objects only, and commonMetadata wins
// over an object's own labels and annotations. Pure: new objects out, inputs untouched.
import type { KubeObject } from '../../kube/resource.ts';
import { isRecord } from './manifests.ts';

export interface CommonMetadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface Transforms {
  targetNamespace?: string;
  commonMetadata?: CommonMetadata;
}

/** Built-in cluster-scoped kinds, by `group/kind` ('' for the core group). */
const CLUSTER_SCOPED = new Set([
  '/Namespace', '/Node', '/PersistentVolume', '/ComponentStatus',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'storage.k8s.io/StorageClass', 'storage.k8s.io/CSIDriver', 'storage.k8s.io/CSINode', 'storage.k8s.io/VolumeAttachment',
  'storage.k8s.io/VolumeAttributesClass',
  'scheduling.k8s.io/PriorityClass',
  'node.k8s.io/RuntimeClass',
  'networking.k8s.io/IngressClass', 'networking.k8s.io/IPAddress', 'networking.k8s.io/ServiceCIDR',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration', 'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/MutatingAdmissionPolicy', 'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
  'certificates.k8s.io/CertificateSigningRequest', 'certificates.k8s.io/ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io/FlowSchema', 'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'resource.k8s.io/DeviceClass', 'resource.k8s.io/ResourceSlice',
]);

function groupOf(apiVersion: string | undefined): string {
  const slash = apiVersion?.indexOf('/') ?? -1;
  return apiVersion !== undefined && slash >= 0 ? apiVersion.slice(0, slash) : '';
}

/** `group/kind` → whether cluster-scoped, for the custom resources that CRDs of the same build define. */
export function customScopes(objects: KubeObject[]): Map<string, boolean> {
  const scopes = new Map<string, boolean>();
  for (const object of objects) {
    if (object.kind !== 'CustomResourceDefinition' || groupOf(object.apiVersion) !== 'apiextensions.k8s.io') continue;
    const spec = (object as { spec?: unknown }).spec;
    if (!isRecord(spec) || typeof spec.group !== 'string' || !isRecord(spec.names) || typeof spec.names.kind !== 'string') continue;
    scopes.set(`${spec.group}/${spec.names.kind}`, spec.scope === 'Cluster');
  }
  return scopes;
}

/** Unknown kinds count as namespaced, as kustomize's namespace transformer assumes. */
export function isClusterScoped(object: KubeObject, custom: Map<string, boolean>): boolean {
  const key = `${groupOf(object.apiVersion)}/${object.kind ?? ''}`;
  return custom.get(key) ?? CLUSTER_SCOPED.has(key);
}

function hasEntries(values: Record<string, string> | undefined): values is Record<string, string> {
  return values !== undefined && Object.keys(values).length > 0;
}

export function applyTransforms(objects: KubeObject[], transforms: Transforms): KubeObject[] {
  const { targetNamespace, commonMetadata } = transforms;
  if (targetNamespace === undefined && commonMetadata === undefined) return objects;
  const custom = customScopes(objects);
  return objects.map((object) => {
    const metadata = { ...object.metadata };
    if (targetNamespace !== undefined && !isClusterScoped(object, custom)) metadata.namespace = targetNamespace;
    if (hasEntries(commonMetadata?.labels)) metadata.labels = { ...metadata.labels, ...commonMetadata.labels };
    if (hasEntries(commonMetadata?.annotations)) metadata.annotations = { ...metadata.annotations, ...commonMetadata.annotations };
    return { ...object, metadata };
  });
}
