// Reads a controller process's /metrics as a test would look at it in Prometheus.
import type { ControllerProcess } from './controller-process.ts';

/** The capstan_condition series of one object: `kind/type/status` → value. */
export async function conditionSeries(controller: ControllerProcess, namespace: string, name: string): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${controller.metricsPort}/metrics`)).text();
  const series = new Map<string, number>();
  for (const [, labels = '', value] of text.matchAll(/^capstan_condition\{([^}]*)\} (\S+)$/gm)) {
    const label = (key: string) => new RegExp(`${key}="([^"]*)"`).exec(labels)?.[1] ?? '';
    if (label('namespace') === namespace && label('name') === name) series.set(`${label('kind')}/${label('type')}/${label('status')}`, Number(value));
  }
  return series;
}
