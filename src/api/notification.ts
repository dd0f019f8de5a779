// notification.capstan.dev/v1: Provider (where events go), Alert (which events), Receiver (webhooks in).
import { commonStatus, CrossNamespaceReference, LocalRef } from './meta.ts';
import { Cel, Duration, StringEnum, StringMap, Type, type Static } from './schema.ts';

export const NOTIFICATION_GROUP = 'notification.capstan.dev';

const EVENT_SOURCE_KINDS = ['HelmRelease', 'HelmRepository', 'GitRepository', 'Kustomization'] as const;

export const ProviderSpec = Type.Object(
  {
    type: StringEnum(['slack', 'msteams', 'discord', 'googlechat', 'generic', 'generic-hmac'] as const, { description: 'Kind of endpoint.' }),
    address: Type.Optional(Type.String({ description: 'Webhook URL (or take it from secretRef key address).', pattern: '^https?://.+$' })),
    channel: Type.Optional(Type.String({ description: 'Channel, where the endpoint supports one.' })),
    username: Type.Optional(Type.String({ description: 'Bot user name, where the endpoint supports one.' })),
    timeout: Type.Optional(Duration({ description: 'Timeout of one delivery.', default: '15s' })),
    secretRef: Type.Optional(LocalRef('Secret with address, token, headers or (generic-hmac) the HMAC key in token.')),
    certSecretRef: Type.Optional(LocalRef('Secret with ca.crt for the endpoint\'s TLS.')),
    suspend: Type.Optional(Type.Boolean({ description: 'Stop sending.', default: false })),
  },
  {
    description: 'An endpoint that receives alerts.',
    ...Cel({ rule: 'has(self.address) || has(self.secretRef)', message: 'set address or secretRef (with key address)' }),
  },
);
export type ProviderSpec = Static<typeof ProviderSpec>;

export const AlertSpec = Type.Object(
  {
    providerRef: LocalRef('The Provider to send to.'),
    eventSeverity: Type.Optional(StringEnum(['info', 'error'] as const, { description: 'Lowest severity sent.', default: 'info' })),
    eventSources: Type.Array(
      Type.Object(
        {
          kind: StringEnum([...EVENT_SOURCE_KINDS, 'Provider', 'Alert', 'Receiver'] as const, { description: 'Kind of the objects.' }),
          name: Type.String({ description: 'Name, or * for all of that kind.', minLength: 1 }),
          namespace: Type.Optional(Type.String({ description: 'Namespace; defaults to the Alert namespace.' })),
          matchLabels: Type.Optional(StringMap({ description: 'Labels the object must carry (with name *).' })),
        },
        { description: 'Objects whose events are sent.' },
      ),
      { description: 'Which objects\' events are sent.', minItems: 1 },
    ),
    inclusionList: Type.Optional(Type.Array(Type.String({ description: 'A regular expression.' }), { description: 'Send only events whose message matches one of these.' })),
    exclusionList: Type.Optional(Type.Array(Type.String({ description: 'A regular expression.' }), { description: 'Never send events whose message matches one of these.' })),
    summary: Type.Optional(Type.String({ description: 'A line added to every alert (e.g. the cluster name).', maxLength: 255 })),
    suspend: Type.Optional(Type.Boolean({ description: 'Stop sending.', default: false })),
  },
  { description: 'Which events go to a Provider.' },
);
export type AlertSpec = Static<typeof AlertSpec>;

export const ReceiverSpec = Type.Object(
  {
    type: StringEnum(['generic', 'generic-hmac', 'github', 'gitlab'] as const, { description: 'Kind of incoming webhook.' }),
    events: Type.Optional(Type.Array(Type.String({ description: 'An event name.' }), { description: 'Events that trigger (github/gitlab); all when empty.' })),
    resources: Type.Array(CrossNamespaceReference([...EVENT_SOURCE_KINDS], 'object to reconcile'), { description: 'Objects reconciled when the webhook fires.', minItems: 1 }),
    secretRef: LocalRef('Secret with key token: part of the webhook path and the HMAC key.'),
    suspend: Type.Optional(Type.Boolean({ description: 'Ignore incoming webhooks.', default: false })),
  },
  { description: 'An incoming webhook that requests reconciles.' },
);
export type ReceiverSpec = Static<typeof ReceiverSpec>;

export const NotificationStatus = Type.Object(
  { ...commonStatus, webhookPath: Type.Optional(Type.String({ description: 'Receiver: the path to call.' })) },
  { description: 'Observed state.' },
);
export type NotificationStatus = Static<typeof NotificationStatus>;

