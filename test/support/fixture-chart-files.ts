// The source of a fixture chart as files for a commit, so tests can keep charts in Git.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { ROOT } from './paths.ts';

/**
 * The files of charts-fixtures/<chart> under `prefix`, with Chart.yaml's version set. The
 * helm.sh/chart label gets `+` replaced as `helm create`'s charts do, since a version with build
 * metadata (reconcileStrategy Revision) is no valid label value.
 */
export async function fixtureChartFiles(chart: string, prefix: string, version: string): Promise<Record<string, string>> {
  const dir = join(ROOT, 'charts-fixtures', chart);
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[join(prefix, relative(dir, path))] = await readFile(path, 'utf8');
  }
  const helpers = join(prefix, 'templates', '_helpers.tpl');
  if (files[helpers] !== undefined) files[helpers] = files[helpers].replace(/helm\.sh\/chart: (\w+)-\{\{ \.Chart\.Version \}\}/, 'helm.sh/chart: {{ printf "$1-%s" .Chart.Version | replace "+" "_" }}');
  const chartYaml = join(prefix, 'Chart.yaml');
  files[chartYaml] = (files[chartYaml] ?? '').replace(/^version: .*$/m, `version: ${version}`);
  return files;
}
