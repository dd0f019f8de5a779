// Shapes shared by every capstan kind: references, conditions, the common status fields.
import { Type, Duration, Name, NamespaceName, StringEnum, type Static } from './schema.ts';

export function LocalRef(description: string) {
  return Type.Object({ name: Name('Name of the referent, in the same namespace.') }, { description });
}
export type LocalObjectReference = Static<ReturnType<typeof LocalRef>>;

export const SecretKeyReference = Type.Object(
  {
    name: Name('Name of the Secret, in the same namespace.'),
    key: Type.Optional(Type.String({ description: 'Key in the Secret; each kind documents its default.', minLength: 1 })),
  },
  { description: 'A reference to a Secret (and optionally one of its keys) in the same namespace.' },
);
export type SecretKeyReference = Static<typeof SecretKeyReference>;

export function CrossNamespaceReference<const K extends readonly string[]>(kinds: K, what: string) {
  return Type.Object(
    {
      kind: StringEnum(kinds, { description: `Kind of the ${what}.` }),
      name: Name(`Name of the ${what}.`),
      namespace: Type.Optional(
        NamespaceName(`Namespace of the ${what}; defaults to the referring object's namespace.`),
      ),
    },
    { description: `A reference to a ${what}, possibly in another namespace (unless cross-namespace references are disabled).` },
  );
}

export const DependencyReference = Type.Object(
  {
    kind: Type.Optional(StringEnum(['HelmRelease', 'Kustomization'] as const, { description: "Kind of the object depended on; defaults to the dependent's own kind." })),
    name: Name('Name of the object depended on.'),
    namespace: Type.Optional(NamespaceName("Its namespace; defaults to the dependent's namespace.")),
  },
  { description: 'A HelmRelease or Kustomization that must be Ready (at its latest generation) first.' },
);
export type DependencyReference = Static<typeof DependencyReference>;

export const Condition = Type.Object(
  {
    type: Type.String({ description: 'Type of condition in CamelCase.', maxLength: 316, pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$' }),
    status: StringEnum(['True', 'False', 'Unknown'] as const, { description: 'Status of the condition.' }),
    observedGeneration: Type.Optional(Type.Integer({ description: 'The .metadata.generation the condition was set for.', minimum: 0, format: 'int64' })),
    lastTransitionTime: Type.String({ description: 'Last time the condition changed status.', format: 'date-time' }),
    reason: Type.String({ description: 'Machine-readable CamelCase reason for the last transition.', minLength: 1, maxLength: 1024, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$' }),
    message: Type.String({ description: 'Human-readable message: what happened and what to do.', maxLength: 32768 }),
  },
  { description: 'A Kubernetes API condition (metav1.Condition).' },
);
export type Condition = Static<typeof Condition>;

/** Status fields every capstan kind carries (kstatus-compatible). */
export const commonStatus = {
  observedGeneration: Type.Optional(Type.Integer({ description: 'The last .metadata.generation the controller acted on.', format: 'int64' })),
  conditions: Type.Optional(
    Type.Array(Condition, {
      description: 'Ready, Reconciling, Stalled and kind-specific conditions.',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
    }),
  ),
  lastHandledReconcileAt: Type.Optional(Type.String({ description: 'Value of the reconcile.capstan.dev/requestedAt annotation last handled.' })),
};

/** Fields every reconciled kind's spec shares. */
export function reconcileSpec(defaultInterval: string) {
  return {
    interval: Duration({
      description: `How often the object is reconciled even when nothing changed (default ${defaultInterval}).`,
      default: defaultInterval,
    }),
    suspend: Type.Optional(Type.Boolean({ description: 'Stop reconciling this object until set back to false.', default: false })),
  };
}
