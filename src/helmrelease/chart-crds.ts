// The CustomResourceDefinitions a chart package ships in its crds/ folders: the chart's own and
// those of the subcharts it bundles, which is what helm install would create. Read from the .tgz
// in memory (no helm process, nothing unpacked to disk).
import { readFile } from 'node:fs/promises';
import { loadAll } from 'js-yaml';
import { checkChartArchive } from '../source/chart-archive.ts';

export interface ChartCrd {
  apiVersion: string;
  kind: 'CustomResourceDefinition';
  metadata: { name: string } & Record<string, unknown>;
  [field: string]: unknown;
}

/** A file in crds/ that is not a CRD capstan can apply. */
export class ChartCrdError extends Error {
  override readonly name = 'ChartCrdError';
  readonly reason = 'CRDInvalid';
}

// helm loads every .yaml, .yml and .json file under crds/ (any depth) as CRDs, and subcharts come
// either unpacked under charts/<name>/ or packed as charts/<name>.tgz.
const CRD_FILE = /^[^/]+\/(?:charts\/[^/]+\/)*crds\/.+\.(?:ya?ml|json)$/;
const PACKED_SUBCHART = /^[^/]+\/(?:charts\/[^/]+\/)*charts\/[^/]+\.tgz$/;

export async function readChartCrds(chartPath: string): Promise<ChartCrd[]> {
  return crdsOf(await readFile(chartPath), chartPath);
}

async function crdsOf(bytes: Buffer, source: string): Promise<ChartCrd[]> {
  const { files } = await checkChartArchive(bytes, source, undefined, (path) => CRD_FILE.test(path) || PACKED_SUBCHART.test(path));
  const crds: ChartCrd[] = [];
  for (const [path, data] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    if (PACKED_SUBCHART.test(path)) crds.push(...await crdsOf(data, `${source}:${path}`));
    else crds.push(...parseCrdFile(data.toString('utf8'), `${source}:${path}`));
  }
  return crds;
}

/** The documents of one crds/ file; empty documents are skipped, as helm skips them. */
export function parseCrdFile(text: string, where: string): ChartCrd[] {
  let docs: unknown[];
  try {
    docs = loadAll(text);
  } catch (err) {
    throw new ChartCrdError(`${where} is not valid YAML: ${err instanceof Error ? err.message : String(err)}; fix the chart`, { cause: err });
  }
  return docs.filter((doc) => doc !== null && doc !== undefined).map((doc) => {
    if (!isCrd(doc)) {
      throw new ChartCrdError(`${where} holds something other than an apiextensions.k8s.io/v1 CustomResourceDefinition with a name: only CRDs belong in crds/; fix the chart`);
    }
    return doc;
  });
}

function isCrd(doc: unknown): doc is ChartCrd {
  if (typeof doc !== 'object' || doc === null) return false;
  const o = doc as Record<string, unknown>;
  const metadata = o.metadata as Record<string, unknown> | undefined;
  return o.apiVersion === 'apiextensions.k8s.io/v1' && o.kind === 'CustomResourceDefinition' &&
    typeof metadata === 'object' && typeof metadata.name === 'string' && metadata.name !== '';
}
