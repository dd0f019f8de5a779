// notification.capstan.dev/v1: Provider (where events go), Alert (which events), Receiver (webhooks in).
import type { KubeObject } from '../kube/resource.ts';
import { commonStatus, LocalRef } from './meta.ts';
import { Cel, Duration, NamespaceName, StringEnum, StringMap, Type, type Static } from './schema.ts';

export const NOTIFICATION_GROUP = 'notification.capstan.dev';

const RECONCILED_KINDS = ['HelmRelease', 'HelmRepository', 'GitRepository', 'Kustomization'] as const;

export const PROVIDER_TYPES = ['slack', 'msteams', 'discord', 'googlechat', 'generic', 'generic-hmac'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

export const RECEIVER_TYPES = ['generic', 'generic-hmac', 'github', 'gitlab'] as const;
export type ReceiverType = (typeof RECEIVER_TYPES)[number];

/** Objects picked by kind and name, or by kind, `*` and labels (Alert sources, Receiver targets). */
function ObjectSelector<const K extends readonly string[]>(kinds: K, what: string) {
  return Type.Object(
    {
      kind: StringEnum(kinds, { description: `Kind of the ${what}.` }),
      name: Type.String({
        description: `Name of the ${what}, or * for every object of that kind (narrowed by matchLabels).`,
        minLength: 1, maxLength: 253, pattern: '^(\\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$',
      }),
      namespace: Type.Optional(NamespaceName(`Namespace of the ${what}; defaults to this object's namespace.`)),
      matchLabels: Type.Optional(StringMap({ description: 'Labels the objects must carry; only with name *.' })),
    },
    {
      description: `Which ${what}s: one by name, or all of a kind (optionally with labels).`,
      ...Cel({ rule: "!has(self.matchLabels) || self.name == '*'", message: 'matchLabels needs name: \'*\'' }),
    },
  );
}
export interface ObjectSelector {
  kind: string;
  name: string;
  namespace?: string;
  matchLabels?: Record<string, string>;
}

export const ProviderSpec = Type.Object(
  {
    type: StringEnum(PROVIDER_TYPES, { description: 'Kind of endpoint.' }),
    address: Type.Optional(Type.String({ description: 'Webhook URL (or take it from secretRef key address).', pattern: '^https?://.+$' })),
    channel: Type.Optional(Type.String({ description: 'Channel, where the endpoint supports one (slack).' })),
    username: Type.Optional(Type.String({ description: 'Bot user name, where the endpoint supports one (slack, discord).' })),
    timeout: Type.Optional(Duration({ description: 'Timeout of one delivery attempt.', default: '15s' })),
    secretRef: Type.Optional(LocalRef('Secret with keys address, token (Bearer token; the HMAC key for generic-hmac) and headers (a YAML map of HTTP headers).')),
    certSecretRef: Type.Optional(LocalRef('Secret with ca.crt: the CA that signs the endpoint\'s certificate.')),
    suspend: Type.Optional(Type.Boolean({ description: 'Stop sending.', default: false })),
  },
  {
    description: 'An endpoint that receives alerts.',
    ...Cel(
      { rule: 'has(self.address) || has(self.secretRef)', message: 'set address or secretRef (with key address)' },
      { rule: "self.type != 'generic-hmac' || has(self.secretRef)", message: 'generic-hmac needs secretRef with key token (the HMAC key)' },
    ),
  },
);
export type ProviderSpec = Static<typeof ProviderSpec>;

export const AlertSpec = Type.Object(
  {
    providerRef: LocalRef('The Provider to send to.'),
    eventSeverity: Type.Optional(StringEnum(['info', 'error'] as const, { description: 'info sends every event; error sends warnings only.', default: 'info' })),
    eventSources: Type.Array(ObjectSelector([...RECONCILED_KINDS, 'Provider', 'Alert', 'Receiver'] as const, 'object whose events are sent'), {
      description: 'Which objects\' events are sent.', minItems: 1,
    }),
    inclusionList: Type.Optional(Type.Array(Type.String({ description: 'A regular expression (JavaScript syntax).' }), { description: 'Send only events whose message matches one of these.' })),
    exclusionList: Type.Optional(Type.Array(Type.String({ description: 'A regular expression (JavaScript syntax).' }), { description: 'Never send events whose message matches one of these.' })),
    eventMetadata: Type.Optional(StringMap({ description: 'Metadata added to every alert (e.g. cluster: prod); the event\'s own metadata wins on a conflict.' })),
    suspend: Type.Optional(Type.Boolean({ description: 'Stop sending.', default: false })),
  },
  { description: 'Which events go to a Provider.' },
);
export type AlertSpec = Static<typeof AlertSpec>;

export const ReceiverSpec = Type.Object(
  {
    type: StringEnum(RECEIVER_TYPES, { description: 'Kind of incoming webhook: how a call proves it knows the token.' }),
    events: Type.Optional(Type.Array(Type.String({ description: 'An event name.' }), { description: 'github/gitlab event names that trigger (X-GitHub-Event, X-Gitlab-Event); all when empty.' })),
    resources: Type.Array(ObjectSelector(RECONCILED_KINDS, 'object to reconcile'), { description: 'Objects reconciled when the webhook fires.', minItems: 1 }),
    secretRef: LocalRef('Secret with key token: part of the webhook path and the HMAC key.'),
    suspend: Type.Optional(Type.Boolean({ description: 'Ignore incoming webhooks.', default: false })),
  },
  { description: 'An incoming webhook that requests reconciles.' },
);
export type ReceiverSpec = Static<typeof ReceiverSpec>;

export const NotificationStatus = Type.Object(
  { ...commonStatus, webhookPath: Type.Optional(Type.String({ description: 'Receiver: the path to call on the receiver address.' })) },
  { description: 'Observed state.' },
);
export type NotificationStatus = Static<typeof NotificationStatus>;

export interface Provider extends KubeObject {
  spec: ProviderSpec;
  status?: NotificationStatus;
}

export interface Alert extends KubeObject {
  spec: AlertSpec;
  status?: NotificationStatus;
}

export interface Receiver extends KubeObject {
  spec: ReceiverSpec;
  status?: NotificationStatus;
}
