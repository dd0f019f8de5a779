// Runs once per test run: a healthy local cluster (started, or reused) with capstan's CRDs.
import { execa } from 'execa';
import { join } from 'node:path';
import { kubectl } from './kubectl.ts';
import { CRDS_DIR, ROOT } from './paths.ts';

export async function globalSetup(): Promise<void> {
  await execa(join(ROOT, 'test', 'cluster', 'up.sh'), { stdio: ['ignore', 'inherit', 'inherit'] });
  await kubectl(['apply', '--server-side', '--force-conflicts', '-f', CRDS_DIR]);
  await kubectl(['wait', '--for=condition=Established', '--timeout=60s', '-f', CRDS_DIR]);
}
