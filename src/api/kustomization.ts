// kustomize.capstan.dev/v1 Kustomization: plain YAML from a source path, applied server-side.
import { commonStatus, CrossNamespaceReference, DependencyReference, reconcileSpec } from './meta.ts';
import { Duration, Name, NamespaceName, StringEnum, StringMap, Type, type Static } from './schema.ts';

export const KUSTOMIZE_GROUP = 'kustomize.capstan.dev';

export const SubstituteReference = Type.Object(
  {
    kind: StringEnum(['ConfigMap', 'Secret'] as const, { description: 'Kind of the variables source.' }),
    name: Name('Name of the ConfigMap or Secret, in the Kustomization namespace.'),
    optional: Type.Optional(Type.Boolean({ description: 'A missing ConfigMap or Secret is not an error.', default: false })),
  },
  { description: 'Variables taken from the data of a ConfigMap or Secret.' },
);
export type SubstituteReference = Static<typeof SubstituteReference>;

export const PostBuild = Type.Object(
  {
    substitute: Type.Optional(StringMap({ description: 'Variables for ${var} substitution; they win over substituteFrom.' })),
    substituteFrom: Type.Optional(Type.Array(SubstituteReference, { description: 'ConfigMaps and Secrets holding variables, later entries win.' })),
  },
  { description: 'Flux-style ${var} substitution in the built objects.' },
);

export const CommonMetadata = Type.Object(
  {
    labels: Type.Optional(StringMap({ description: 'Labels set on every object (they win over the object\'s own).' })),
    annotations: Type.Optional(StringMap({ description: 'Annotations set on every object (they win over the object\'s own).' })),
  },
  { description: 'Metadata set on every built object.' },
);

export const KustomizationSpec = Type.Object(
  {
    sourceRef: CrossNamespaceReference(['GitRepository'] as const, 'source of the manifests'),
    path: Type.Optional(Type.String({ description: 'Folder in the source holding the manifests.', default: './' })),
    ...reconcileSpec('10m'),
    retryInterval: Type.Optional(Duration({ description: 'Interval after a failure; defaults to interval.' })),
    timeout: Type.Optional(Duration({ description: 'Timeout of apply and health checks.', default: '5m' })),
    prune: Type.Boolean({ description: 'Delete objects that left the source.' }),
    wait: Type.Optional(Type.Boolean({ description: 'Wait for every applied object to be ready.', default: false })),
    force: Type.Optional(Type.Boolean({ description: 'Recreate objects whose immutable fields changed.', default: false })),
    targetNamespace: Type.Optional(NamespaceName('Namespace set on every namespaced object.')),
    serviceAccountName: Type.Optional(Name('Service account to impersonate for every API call.')),
    postBuild: Type.Optional(PostBuild),
    commonMetadata: Type.Optional(CommonMetadata),
    dependsOn: Type.Optional(Type.Array(DependencyReference, { description: 'Kustomizations (or, with kind, HelmReleases) that must be Ready before this one is applied.' })),
    healthChecks: Type.Optional(
      Type.Array(
        Type.Object(
          {
            apiVersion: Type.String({ description: 'API version.' }),
            kind: Type.String({ description: 'Kind.' }),
            name: Name('Name.'),
            namespace: Type.Optional(NamespaceName('Namespace.')),
          },
          { description: 'An object to wait for.' },
        ),
        { description: 'Objects that must be ready for the Kustomization to be Ready.' },
      ),
    ),
  },
  { description: 'Plain YAML from a source path, applied server-side, pruned and health-checked.' },
);
export type KustomizationSpec = Static<typeof KustomizationSpec>;

export const KustomizationStatus = Type.Object(
  {
    ...commonStatus,
    lastAppliedRevision: Type.Optional(Type.String({ description: 'Source revision last applied.' })),
    lastAttemptedRevision: Type.Optional(Type.String({ description: 'Source revision last attempted.' })),
    inventory: Type.Optional(
      Type.Object(
        {
          entries: Type.Array(
            Type.Object(
              {
                id: Type.String({ description: 'namespace_name_group_kind.' }),
                v: Type.String({ description: 'API version.' }),
              },
              { description: 'An applied object.' },
            ),
            { description: 'Objects applied.' },
          ),
        },
        { description: 'Objects applied by the last apply that succeeded (kept when a later build or apply fails; used for pruning).' },
      ),
    ),
  },
  { description: 'Observed state of a Kustomization.' },
);
export type KustomizationStatus = Static<typeof KustomizationStatus>;
