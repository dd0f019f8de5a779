// The secret scan over a whole test run (see secret-scan.ts for what it looks for): the global
// setup marks where the run starts in the audit log and opens a folder for controller log lines;
// the global teardown reads both and fails the run on a finding.
import { createReadStream } from 'node:fs';
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { CLUSTER_DIR } from './paths.ts';
import { describeFinding, findLeaks, groupFindings, logLine, readAuditLog, type ScanFigures, type Written } from './secret-scan.ts';

export const AUDIT_LOG = join(CLUSTER_DIR, 'audit.log');

export class SecretScanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretScanError';
  }
}

export interface ScanStart {
  auditLog: string;
  /** Size of the audit log when the run started: what comes after is this run's. */
  auditOffset: number;
  logDir: string;
}

/** Marks the start of the run and sets CAPSTAN_TEST_LOG_DIR, which the test processes inherit. */
export async function startSecretScan(auditLog = AUDIT_LOG): Promise<ScanStart> {
  const auditOffset = await stat(auditLog).then((s) => s.size, () => 0);
  const logDir = join(CLUSTER_DIR, 'test-logs', `run-${String(Date.now())}-${String(process.pid)}`);
  await mkdir(logDir, { recursive: true });
  process.env.CAPSTAN_TEST_LOG_DIR = logDir;
  return { auditLog, auditOffset, logDir };
}

/** Scans what the run wrote; throws SecretScanError (after printing every finding) on a leak. */
export async function finishSecretScan(start: ScanStart): Promise<ScanFigures> {
  const audit = await stat(start.auditLog).catch(() => undefined);
  if (audit === undefined || audit.size < start.auditOffset) {
    await rm(start.logDir, { recursive: true, force: true });
    throw new SecretScanError(audit === undefined
      ? `secret scan: no audit log at ${start.auditLog}: the cluster was started before the scan existed; restart it with 'make cluster-down cluster-up'`
      : `secret scan: the audit log ${start.auditLog} shrank during the run (the cluster was started again?); run the tests again`);
  }
  const record = readAuditLog(await text(createReadStream(start.auditLog, { start: start.auditOffset })));
  const logs: Written[] = [];
  for (const file of (await readdir(start.logDir)).sort()) {
    const lines = (await readFile(join(start.logDir, file), 'utf8')).split('\n');
    lines.forEach((line, i) => { if (line !== '') logs.push(logLine(`log ${file}:${String(i + 1)}`, line)); });
  }
  const figures = { secrets: record.secrets.size, values: record.values.size, events: record.events.length, statuses: record.statuses.length, logLines: logs.length };
  const findings = findLeaks(record.values, [...record.events, ...record.statuses, ...logs]);
  const summary = `secret scan: ${String(figures.values)} values of ${String(figures.secrets)} Secrets looked for in ${String(figures.events)} events, ${String(figures.statuses)} status writes and ${String(figures.logLines)} log lines`;
  if (findings.length > 0) {
    for (const { first, count } of groupFindings(findings)) {
      console.error(`secret scan: LEAK ${describeFinding(first)}${count > 1 ? ` (and ${String(count - 1)} more places with this field)` : ''}`);
    }
    throw new SecretScanError(`${summary}: ${String(findings.length)} leaks (log lines kept in ${start.logDir})`);
  }
  await rm(start.logDir, { recursive: true, force: true });
  console.log(`${summary}: no leak`);
  return figures;
}
