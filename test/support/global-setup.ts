// Runs once per test run: a healthy local cluster (started, or reused) with capstan's CRDs; at the
// end, the secret scan of everything the run wrote (secret-scan-run.ts).
import { execa } from 'execa';
import { join } from 'node:path';
import { kubectl } from './kubectl.ts';
import { CRDS_DIR, ROOT } from './paths.ts';
import { finishSecretScan, startSecretScan, type ScanStart } from './secret-scan-run.ts';

let scan: ScanStart | undefined;
let finished: Promise<unknown> | undefined;

export async function globalSetup(): Promise<void> {
  await execa(join(ROOT, 'test', 'cluster', 'up.sh'), { stdio: ['ignore', 'inherit', 'inherit'] });
  scan = await startSecretScan();
  await kubectl(['apply', '--server-side', '--force-conflicts', '-f', CRDS_DIR]);
  await kubectl(['wait', '--for=condition=Established', '--timeout=60s', '-f', CRDS_DIR]);
}

// A teardown that throws makes `node --test` exit 1, but the runner neither prints the error nor
// calls the teardown only once: the scan runs once and says why it failed itself.
export async function globalTeardown(): Promise<void> {
  if (scan === undefined) return;
  finished ??= finishSecretScan(scan).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    throw e;
  });
  await finished;
}
