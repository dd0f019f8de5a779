// The Alert reconciler: checks an Alert (its Provider exists and is Ready, its expressions
// compile, its sources stay in its namespace under --no-cross-namespace-refs) and hands the
// compiled Alert to the dispatcher. Only Ready Alerts send.
import type { Alert } from '../api/notification.ts';
import type { EventRecorder } from '../kube/events.ts';
import type { Informer } from '../kube/informer.ts';
import type { KubeClient } from '../kube/client.ts';
import { capstanResource } from '../kube/resource.ts';
import { writeStatus } from '../kube/status.ts';
import { TerminalError, type ReconcileResult, type Reconciler } from '../runtime/controller.ts';
import type { Dispatcher } from './dispatcher.ts';
import { AlertConfigError, compileAlert } from './match.ts';
import { NOTIFICATION_API_VERSION } from './provider-reconciler.ts';
import { failed, ready } from './status.ts';

const RESOURCE = capstanResource('Alert');

export interface AlertReconcilerOptions {
  client: KubeClient;
  informer: Informer<Alert>;
  dispatcher: Dispatcher;
  events: EventRecorder;
  allowCrossNamespace: boolean;
  now?: () => number;
}

export function alertReconciler(options: AlertReconcilerOptions): Reconciler {
  const now = options.now ?? Date.now;
  return {
    kind: 'Alert',
    async reconcile(key: string): Promise<ReconcileResult> {
      const alert = options.informer.get(key);
      if (!alert || alert.metadata.deletionTimestamp || alert.spec.suspend) {
        options.dispatcher.removeAlert(key);
        return {};
      }
      const namespace = alert.metadata.namespace ?? 'default';
      const input = { obj: alert, now: new Date(now()).toISOString() };
      const refuse = async (reason: string, message: string, stalled: boolean) => {
        options.dispatcher.removeAlert(key);
        // Only a change is worth an event (a repeat is already in status), and only a mistake in
        // the Alert itself: a Provider not Ready yet is the usual order of things at start-up.
        const changed = await writeStatus(options.client, RESOURCE, alert, failed(input, reason, message, stalled));
        if (changed && stalled) await options.events.record({ regarding: { ...alert, apiVersion: NOTIFICATION_API_VERSION, kind: 'Alert' }, type: 'Warning', reason, action: 'Configure', note: message });
      };
      let compiled;
      try {
        compiled = compileAlert(namespace, alert.metadata.name, alert.spec, options.allowCrossNamespace);
      } catch (err) {
        if (!(err instanceof AlertConfigError)) throw err;
        await refuse(err.reason, err.message, true);
        throw new TerminalError(err.message);
      }
      if (!options.dispatcher.hasProvider(compiled.providerKey)) {
        // Not an error to retry: the Provider's reconciler enqueues this Alert when it becomes Ready.
        await refuse('ProviderNotReady', `Provider ${compiled.providerKey} does not exist or is not Ready (or is suspended): create or fix it`, false);
        return {};
      }
      options.dispatcher.setAlert(compiled);
      await writeStatus(options.client, RESOURCE, alert, ready(input, `sending to Provider ${alert.spec.providerRef.name}`));
      return {};
    },
  };
}
