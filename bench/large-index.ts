// A generated index.yaml shaped like the largest public repositories (a few hundred charts with a
// hundred versions each, every entry carrying dependencies, maintainers, keywords, annotations),
// written the way helm writes it (keys sorted, sequences not indented).
import { createHash } from 'node:crypto';

export interface LargeIndexShape {
  charts: number;
  versionsPerChart: number;
}

export function chartName(i: number): string {
  return `chart-${i.toString().padStart(3, '0')}`;
}

export function versionOf(v: number): string {
  return `${Math.floor(v / 20)}.${Math.floor(v / 5) % 4}.${v % 5}${v % 17 === 16 ? '-rc.1' : ''}`;
}

function entry(name: string, v: number): string {
  const version = versionOf(v);
  const digest = createHash('sha256').update(`${name}@${version}`).digest('hex');
  const month = (1 + (v % 12)).toString().padStart(2, '0');
  return `  - annotations:
      category: Infrastructure
      licenses: Apache-2.0
    apiVersion: v2
    appVersion: ${version}
    created: "2024-${month}-1${v % 10}T10:${(v % 60).toString().padStart(2, '0')}:00.123456789Z"
    dependencies:
    - condition: redis.enabled
      name: redis
      repository: oci://registry.example.com/charts
      version: 18.x.x
    - name: common
      repository: oci://registry.example.com/charts
      tags:
      - example-common
      version: 2.x.x
    description: ${name} is a generated chart standing in for a large public chart, with a description of typical length.
    digest: ${digest}
    home: https://example.com/charts/${name}
    icon: https://example.com/assets/stacks/${name}/img/${name}-stack-220x234.png
    keywords:
    - ${name}
    - infrastructure
    maintainers:
    - name: Example Maintainers
      url: https://github.com/example/charts
    name: ${name}
    sources:
    - https://github.com/example/charts/tree/main/example/${name}
    urls:
    - https://charts.example.com/${name}-${version}.tgz
    version: ${version}
`;
}

export function generateLargeIndex(shape: LargeIndexShape): string {
  const parts = ['apiVersion: v1\nentries:\n'];
  for (let c = 0; c < shape.charts; c++) {
    const name = chartName(c);
    parts.push(`  ${name}:\n`);
    // Newest first, as helm writes an index.
    for (let v = shape.versionsPerChart - 1; v >= 0; v--) parts.push(entry(name, v));
  }
  parts.push('generated: "2024-10-01T00:00:00.000000000Z"\n');
  return parts.join('');
}
