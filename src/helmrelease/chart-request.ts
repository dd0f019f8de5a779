// Where a HelmRelease's chart comes from, read from either way of naming it: chart.spec (a chart
// of a HelmRepository, or a chart folder of a GitRepository) or chartRef (a GitRepository whose
// whole artifact is the chart, upgraded when Chart.yaml's version changes).
import type { HelmRelease } from '../api/objects.ts';
import type { ChartRequest } from '../source/chart-source.ts';

export function chartRequestOf(hr: HelmRelease): ChartRequest {
  const namespace = hr.metadata.namespace ?? 'default';
  const spec = hr.spec.chart?.spec;
  if (spec) {
    return {
      namespace, chart: spec.chart, version: spec.version ?? '*', sourceRef: spec.sourceRef,
      reconcileStrategy: spec.reconcileStrategy, field: 'chart.spec.sourceRef',
    };
  }
  // The CRD demands exactly one of chart and chartRef.
  const ref = hr.spec.chartRef ?? { kind: 'GitRepository', name: '' };
  return { namespace, chart: '.', version: '*', sourceRef: ref, field: 'chartRef' };
}

/** The key of the source object, `<kind>/<namespace>/<name>`, as the source reconcilers' triggers know it. */
export function chartSourceKey(hr: HelmRelease): string {
  const { sourceRef, namespace } = chartRequestOf(hr);
  return `${sourceRef.kind}/${sourceRef.namespace ?? namespace}/${sourceRef.name}`;
}
