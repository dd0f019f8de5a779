// `capstan diff hr NAME [-f new.yaml]`: what applying a HelmRelease would change, before it is
// merged. Values are composed and the chart resolved exactly as the controller does, the chart
// is rendered by the same helm against the cluster (`upgrade --dry-run=server`, or `install` for a
// release that does not exist yet), and the result is compared with the live release: chart
// version, manifests and composed values (Secret-sourced values masked).
import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { loadAll } from 'js-yaml';
import type { ValuesReference } from '../../api/helmrelease.ts';
import type { HelmRelease, HelmRepository } from '../../api/objects.ts';
import { openHelm, type Helm } from '../../helm/cli.ts';
import { getManifest, getValues, install, upgrade } from '../../helm/commands.ts';
import { HelmError } from '../../helm/errors.ts';
import { serialiseValues } from '../../helmrelease/values/serialise.ts';
import { composeFor } from '../../helmrelease/values.ts';
import { fetchValuesData } from '../../helmrelease/values-sources.ts';
import { releaseName, releaseNamespace } from '../../helmrelease/naming.ts';
import { ApiError } from '../../kube/errors.ts';
import { capstanResource, objectPath } from '../../kube/resource.ts';
import { ChartCache } from '../../source/chart-cache.ts';
import { ChartSource } from '../../source/chart-source.ts';
import { IndexCache } from '../../source/index-cache.ts';
import { refreshIndex } from '../../source/index-refresh.ts';
import { repositoryAccess } from '../../source/helmrepository/credentials.ts';
import { parseDuration } from '../../api/duration.ts';
import { resolveOptionsForHelm } from '../../source/resolve.ts';
import { UserError } from '../errors.ts';
import { serialise, type Colors } from '../output.ts';
import type { Session } from '../session.ts';
import { maskValues, MASK, redact, secretStrings } from '../mask.ts';

export interface DiffOptions {
  name: string;
  file?: string | undefined;
  helmBinary: string;
}

/** diff(1)'s convention: 0 nothing would change, 1 something would. Errors exit 2. */
export const DIFF_EXIT = { same: 0, changed: 1, error: 2 } as const;

async function readFromFile(file: string, name: string, namespace: string): Promise<HelmRelease> {
  let docs: unknown[];
  try {
    docs = loadAll(file === '-' ? await readStdin() : await readFile(file, 'utf8'));
  } catch (err) {
    throw new UserError(`${file} is not YAML: ${err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err)}`, { exitCode: DIFF_EXIT.error });
  }
  const hr = docs.find((d): d is HelmRelease => {
    const o = d as Partial<HelmRelease> | null;
    return o?.kind === 'HelmRelease' && o.metadata?.name === name;
  });
  if (!hr) throw new UserError(`${file} has no HelmRelease named ${name}`, { exitCode: DIFF_EXIT.error });
  return { ...hr, metadata: { ...hr.metadata, namespace: hr.metadata.namespace ?? namespace } };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function getOrUndefined<T>(session: Session, path: string): Promise<T | undefined> {
  try {
    return await session.client.request<T>('GET', path);
  } catch (err) {
    if (err instanceof ApiError && err.statusCode === 404) return undefined;
    throw err;
  }
}

/** The chart the controller would install: resolved against a fresh copy of the repository index. */
async function chartFor(session: Session, hr: HelmRelease, helm: Helm, cacheDir: string) {
  const spec = hr.spec.chart?.spec;
  if (!spec) throw new UserError(`HelmRelease ${hr.metadata.name} has no chart.spec: capstan diff needs a chart from a HelmRepository`, { exitCode: DIFF_EXIT.error });
  if (spec.sourceRef.kind !== 'HelmRepository') throw new UserError(`HelmRelease ${hr.metadata.name} takes its chart from a ${spec.sourceRef.kind}: capstan diff needs a chart from a HelmRepository (the controller packages charts from Git)`, { exitCode: DIFF_EXIT.error });
  const namespace = spec.sourceRef.namespace ?? hr.metadata.namespace ?? 'default';
  const repository = await getOrUndefined<HelmRepository>(session, objectPath(capstanResource('HelmRepository'), namespace, spec.sourceRef.name));
  if (!repository) throw new UserError(`HelmRepository ${namespace}/${spec.sourceRef.name} does not exist: create it or fix chart.spec.sourceRef`, { exitCode: DIFF_EXIT.error });
  const indexCache = new IndexCache({ dir: join(cacheDir, 'indexes') });
  if (repository.spec.type !== 'oci') {
    await refreshIndex({ url: repository.spec.url, ...await repositoryAccess(session.client, repository), passCredentials: repository.spec.passCredentials, timeoutMs: parseDuration(repository.spec.timeout ?? '60s'), cache: indexCache });
  }
  const source = new ChartSource({
    client: session.client, repositories: () => repository, indexCache, chartCache: new ChartCache({ dir: join(cacheDir, 'charts') }),
    helmBinary: helm.config.binary, resolveOptions: resolveOptionsForHelm(helm.version), allowCrossNamespace: true,
  });
  const resolved = await source.resolve({ namespace: hr.metadata.namespace ?? 'default', chart: spec.chart, version: spec.version ?? '*', sourceRef: spec.sourceRef, field: 'chart.spec.sourceRef' });
  return { version: resolved.version, chart: spec.chart, path: (await source.fetch(resolved)).path };
}

function unified(c: Colors, name: string, before: string, after: string): string {
  if (before === after) return '';
  const patch = createTwoFilesPatch(`live/${name}`, `new/${name}`, before, after, '', '', { context: 3 });
  return patch.split('\n').slice(1).map((line) => {
    if (line.startsWith('+++') || line.startsWith('---')) return c.bold(line);
    if (line.startsWith('+')) return c.green(line);
    if (line.startsWith('-')) return c.red(line);
    if (line.startsWith('@@')) return c.cyan(line);
    return line;
  }).join('\n').trimEnd();
}

export async function runDiff(session: Session, options: DiffOptions, c: Colors, out: (s: string) => void): Promise<number> {
  const live = await getOrUndefined<HelmRelease>(session, objectPath(capstanResource('HelmRelease'), session.namespace, options.name));
  const hr = options.file !== undefined ? await readFromFile(options.file, options.name, session.namespace) : live;
  if (!hr) throw new UserError(`helmrelease ${session.namespace}/${options.name} not found: check the name, or give the new object with -f`, { exitCode: DIFF_EXIT.error });

  const cacheDir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'capstan', 'cli');
  await mkdir(cacheDir, { recursive: true });
  const helm = await openHelm({ binary: options.helmBinary, home: join(cacheDir, 'helm'), ...(session.kubeconfig ? { kubeconfig: session.kubeconfig } : {}) });
  const read = async (namespace: string, ref: ValuesReference) => {
    const data = await fetchValuesData(session.client, ref.kind, namespace, ref.name);
    return { content: data?.[ref.valuesKey ?? 'values.yaml'], exists: data !== undefined };
  };
  const composed = await composeFor(hr, { read });
  // The same composition with every Secret-sourced value replaced by the mask: what may be shown.
  // Templates can copy those values anywhere (a ConfigMap, an annotation), so the manifests have
  // every such value redacted too.
  const secrets: string[] = [];
  const shown = await composeFor(hr, { read: async (namespace, ref) => {
    const source = await read(namespace, ref);
    if (ref.kind !== 'Secret' || source.content === undefined) return source;
    secrets.push(...secretStrings(source.content, ref));
    return { ...source, content: maskValues(source.content, ref) };
  } });
  const chart = await chartFor(session, hr, helm, cacheDir);

  const scope = { namespace: releaseNamespace(hr), releaseName: releaseName(hr) };
  const deployedManifest = await getManifest(helm, scope).catch((err: unknown) => {
    if (err instanceof HelmError && err.reason === 'ReleaseNotFound') return undefined;
    throw err;
  });
  const common = { ...scope, chart: chart.path, values: serialiseValues(composed.values), dryRun: 'server' as const, disableWait: true };
  const rendered = deployedManifest === undefined
    ? await install(helm, { ...common, createNamespace: hr.spec.install?.createNamespace })
    : await upgrade(helm, { ...common, resetValues: true });
  const deployedValues = deployedManifest === undefined ? {} : await getValues(helm, scope);
  const deployedChart = live?.status?.history?.[0];

  const lines: string[] = [];
  const from = deployedChart ? `${deployedChart.chartName} ${deployedChart.chartVersion}` : deployedManifest === undefined ? 'not installed' : 'unknown';
  const to = `${chart.chart} ${chart.version}`;
  const chartChanged = from !== to;
  lines.push(`${c.bold('chart')}: ${chartChanged ? `${from} → ${to}` : `${to} (unchanged)`}`);
  // helm get manifest ends with one more newline than a dry run prints.
  const manifest = (text: string | undefined) => redact(text === undefined || text.trim() === '' ? '' : `${text.trimEnd()}\n`, secrets);
  const manifests = unified(c, 'manifest.yaml', manifest(deployedManifest), manifest(rendered.manifest));
  const valuesDiff = unified(c, 'values.yaml', serialise(maskLike(deployedValues, shown.values), 'yaml'), serialise(shown.values, 'yaml'));
  lines.push(manifests === '' ? 'manifests: unchanged' : manifests);
  lines.push(valuesDiff === '' ? 'values: unchanged' : valuesDiff);
  out(`${lines.join('\n')}\n`);
  return chartChanged || manifests !== '' || valuesDiff !== '' ? DIFF_EXIT.changed : DIFF_EXIT.same;
}

/** The deployed values with the leaves the new composition masks masked too (same paths). */
function maskLike(deployed: unknown, shown: unknown): unknown {
  if (shown === MASK) return deployed === undefined ? undefined : MASK;
  if (typeof deployed !== 'object' || deployed === null || typeof shown !== 'object' || shown === null) return deployed;
  if (Array.isArray(deployed)) return deployed.map((v, i) => maskLike(v, Array.isArray(shown) ? shown[i] : undefined));
  return Object.fromEntries(Object.entries(deployed).map(([k, v]) => [k, maskLike(v, (shown as Record<string, unknown>)[k])]));
}
