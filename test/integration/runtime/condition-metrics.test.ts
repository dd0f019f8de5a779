// The per-object condition gauge on /metrics of a controller process: filled from the informers
// for every object with conditions, moved when the status changes, removed with the object.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startChartServer, type ChartServer } from '../../support/chart-server.ts';
import { startController, type ControllerProcess } from '../../support/controller-process.ts';
import { kubectl } from '../../support/kubectl.ts';
import { conditionSeries } from '../../support/metrics.ts';
import { useNamespace } from '../../support/namespace.ts';
import { waitFor } from '../../support/wait.ts';

describe('condition metrics', () => {
  const namespace = useNamespace('condmetrics');
  let server: ChartServer;
  let controller: ControllerProcess;
  before(async () => {
    server = await startChartServer();
    controller = await startController(['--watch-namespace', namespace.name]);
  });
  after(async () => {
    await controller.stop();
    await server.close();
  });
  const repository = (url: string) => kubectl(['apply', '-n', namespace.name, '-f', '-'], {
    input: `apiVersion: source.capstan.dev/v1\nkind: HelmRepository\nmetadata: {name: charts}\nspec: {url: "${url}", interval: 10m}\n`,
  });
  const seriesWhen = (what: string, test: (s: Map<string, number>) => boolean) =>
    waitFor(what, async () => { const s = await conditionSeries(controller, namespace.name, 'charts'); return test(s) ? s : undefined; }, { timeoutMs: 30_000 });

  it('shows a failing object as Ready False', async () => {
    await repository('http://127.0.0.1:1/unreachable');
    const series = await seriesWhen('Ready False on /metrics', (s) => s.get('HelmRepository/Ready/False') === 1);
    assert.equal(series.get('HelmRepository/Ready/True'), 0);
    assert.equal(series.get('HelmRepository/Ready/Unknown'), 0);
  });

  it('moves the gauge when the status changes', async () => {
    await repository(server.url);
    const series = await seriesWhen('Ready True on /metrics', (s) => s.get('HelmRepository/Ready/True') === 1);
    assert.equal(series.get('HelmRepository/Ready/False'), 0, 'the old status reads 0, not a gap');
  });

  it('removes the series of a deleted object', async () => {
    await kubectl(['delete', 'hrepo', 'charts', '-n', namespace.name]);
    const series = await seriesWhen('no series left for the object', (s) => s.size === 0);
    assert.equal(series.size, 0);
  });
});
