// The Provider reconciler: reads the Provider's Secrets into a delivery target for the dispatcher
// and reports Ready. A suspended or deleted Provider stops receiving alerts.
import type { Provider } from '../api/notification.ts';
import type { EventRecorder } from '../kube/events.ts';
import type { Informer } from '../kube/informer.ts';
import type { KubeClient } from '../kube/client.ts';
import { capstanResource } from '../kube/resource.ts';
import { writeStatus } from '../kube/status.ts';
import { TerminalError, type ReconcileContext, type ReconcileResult, type Reconciler } from '../runtime/controller.ts';
import type { Dispatcher } from './dispatcher.ts';
import { ProviderConfigError, resolveProvider } from './provider-config.ts';
import { failed, ready } from './status.ts';

const RESOURCE = capstanResource('Provider');
export const NOTIFICATION_API_VERSION = 'notification.capstan.dev/v1';

export interface ProviderReconcilerOptions {
  client: KubeClient;
  informer: Informer<Provider>;
  dispatcher: Dispatcher;
  events: EventRecorder;
  /** Called when a Provider becomes usable or goes away: its Alerts look again. */
  onChange?: (key: string) => void;
  now?: () => number;
}

export function providerReconciler(options: ProviderReconcilerOptions): Reconciler {
  const now = options.now ?? Date.now;
  return {
    kind: 'Provider',
    async reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult> {
      const provider = options.informer.get(key);
      const had = options.dispatcher.hasProvider(key);
      if (!provider || provider.metadata.deletionTimestamp || provider.spec.suspend) {
        options.dispatcher.removeProvider(key);
        if (had) options.onChange?.(key);
        return {};
      }
      const input = { obj: provider, now: new Date(now()).toISOString() };
      try {
        options.dispatcher.setProvider(await resolveProvider(options.client, provider));
      } catch (err) {
        if (!(err instanceof ProviderConfigError)) throw err;
        options.dispatcher.removeProvider(key);
        if (had) options.onChange?.(key);
        // Only a change is worth an event: a repeat of the same failure is already in status.
        if (await writeStatus(options.client, RESOURCE, provider, failed(input, err.reason, err.message, !err.transient))) await options.events.record({ regarding: { ...provider, apiVersion: NOTIFICATION_API_VERSION, kind: 'Provider' }, type: 'Warning', reason: err.reason, action: 'Configure', note: err.message });
        if (err.transient) throw err;
        throw new TerminalError(err.message);
      }
      await writeStatus(options.client, RESOURCE, provider, ready(input, `${provider.spec.type} provider ready`));
      if (!had) options.onChange?.(key);
      ctx.log.debug({ type: provider.spec.type }, 'provider ready');
      return {};
    },
  };
}
