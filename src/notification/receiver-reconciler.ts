// The Receiver reconciler: reads the token, derives the webhook path and publishes it in
// status.webhookPath; the webhook server finds Ready Receivers by that path.
import type { Receiver } from '../api/notification.ts';
import type { EventRecorder } from '../kube/events.ts';
import type { Informer } from '../kube/informer.ts';
import type { KubeClient } from '../kube/client.ts';
import { capstanResource } from '../kube/resource.ts';
import { readSecret, SecretNotFoundError } from '../kube/secrets.ts';
import { writeStatus } from '../kube/status.ts';
import { TerminalError, type ReconcileResult, type Reconciler } from '../runtime/controller.ts';
import { NOTIFICATION_API_VERSION } from './provider-reconciler.ts';
import { failed, ready } from './status.ts';
import { webhookPath } from './webhook.ts';

const RESOURCE = capstanResource('Receiver');

export interface ReceiverReconcilerOptions {
  client: KubeClient;
  informer: Informer<Receiver>;
  events: EventRecorder;
  allowCrossNamespace: boolean;
  now?: () => number;
}

/** The token could not be read; retried, since the Secret may appear. */
export class ReceiverSecretError extends Error {
  override readonly name = 'ReceiverSecretError';
}

export function receiverReconciler(options: ReceiverReconcilerOptions): Reconciler {
  const now = options.now ?? Date.now;
  return {
    kind: 'Receiver',
    async reconcile(key: string): Promise<ReconcileResult> {
      const receiver = options.informer.get(key);
      if (!receiver || receiver.metadata.deletionTimestamp) return {};
      const namespace = receiver.metadata.namespace ?? 'default';
      const input = { obj: receiver, now: new Date(now()).toISOString() };
      const refuse = async (reason: string, message: string, stalled: boolean) => {
        // Only a change is worth an event: a repeat of the same failure is already in status.
        if (await writeStatus(options.client, RESOURCE, receiver, failed(input, reason, message, stalled))) await options.events.record({ regarding: { ...receiver, apiVersion: NOTIFICATION_API_VERSION, kind: 'Receiver' }, type: 'Warning', reason, action: 'Configure', note: message });
      };
      const foreign = options.allowCrossNamespace ? undefined : receiver.spec.resources.find((r) => r.namespace !== undefined && r.namespace !== namespace);
      if (foreign) {
        const message = `resources ${foreign.kind}/${foreign.namespace ?? ''}/${foreign.name} is in another namespace, which --no-cross-namespace-refs forbids: create the Receiver in namespace ${foreign.namespace ?? ''}`;
        await refuse('CrossNamespaceRefForbidden', message, true);
        throw new TerminalError(message);
      }
      let token: string | undefined;
      try {
        token = (await readSecret(options.client, namespace, receiver.spec.secretRef.name)).token;
      } catch (err) {
        if (!(err instanceof SecretNotFoundError)) throw err;
        await refuse('SecretNotFound', err.message, false);
        throw new ReceiverSecretError(err.message, { cause: err });
      }
      if (!token) {
        const message = `Secret ${namespace}/${receiver.spec.secretRef.name} has no key token: add it`;
        await refuse('TokenMissing', message, true);
        throw new TerminalError(message);
      }
      const path = webhookPath(token, receiver.metadata.name, namespace);
      const message = receiver.spec.suspend === true ? 'suspended: calls are answered 503' : `receiving ${receiver.spec.type} webhooks at ${path}`;
      await writeStatus(options.client, RESOURCE, receiver, ready(input, message, { webhookPath: path }));
      return {};
    },
  };
}
