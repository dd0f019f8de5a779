// Informers against the real API server: watches that end are reopened without losing events,
// and metadata-only informers never hold object content (Helm release Secrets are up to 1 MiB).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Informer, type InformerEvent } from '../../../src/kube/informer.ts';
import { CORE, type KubeObject } from '../../../src/kube/resource.ts';
import { countingClient } from '../../support/controller-client.ts';
import { kubectl } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { waitFor } from '../../support/wait.ts';

describe('informer', () => {
  const namespace = useNamespace('informer');
  const { client } = countingClient();
  const stop = new AbortController();
  const runs: Promise<void>[] = [];
  after(async () => {
    stop.abort();
    await Promise.all(runs);
  });

  it('keeps delivering events across watches that the server ends', async () => {
    const lifecycle: InformerEvent[] = [];
    const added: string[] = [];
    const informer = new Informer<KubeObject>(client, { resource: CORE.ConfigMap, namespace: namespace.name, watchTimeoutSeconds: 1, onEvent: (e) => lifecycle.push(e) });
    informer.addHandlers({ add: (o) => added.push(o.metadata.name) });
    runs.push(informer.run(stop.signal));
    await informer.whenSynced();
    await waitFor('two watches to end', () => (lifecycle.filter((e) => e.type === 'watch-ended').length >= 2 ? true : undefined), { timeoutMs: 15_000 });
    await kubectl(['create', 'configmap', 'late', '-n', namespace.name, '--from-literal=a=b']);
    await waitFor('the add of a ConfigMap created after the watches were reopened', () => (added.includes('late') ? true : undefined));
    assert.equal(lifecycle.filter((e) => e.type === 'error').length, 0, 'no watch failed');
  });

  it('holds only metadata of Helm release Secrets in metadata-only mode', async () => {
    await kubectl(['create', 'secret', 'generic', 'sh.helm.release.v1.demo.v1', '-n', namespace.name, `--from-literal=release=${'x'.repeat(100_000)}`]);
    await kubectl(['label', 'secret', 'sh.helm.release.v1.demo.v1', '-n', namespace.name, 'owner=helm', 'name=demo', 'status=deployed', 'version=1']);
    const informer = new Informer<KubeObject & { data?: unknown }>(client, { resource: CORE.Secret, namespace: namespace.name, labelSelector: 'owner=helm', metadataOnly: true });
    runs.push(informer.run(stop.signal));
    await informer.whenSynced();
    await kubectl(['label', '--overwrite', 'secret', 'sh.helm.release.v1.demo.v1', '-n', namespace.name, 'status=superseded']);
    const secret = await waitFor('the label change', () => {
      const s = informer.get(`${namespace.name}/sh.helm.release.v1.demo.v1`);
      return s?.metadata.labels?.status === 'superseded' ? s : undefined;
    });
    assert.equal(secret.data, undefined, 'no data cached');
    assert.equal(secret.kind, 'PartialObjectMetadata');
  });
});
