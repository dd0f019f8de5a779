// The secret scan must be able to fail: leaked values planted in a small synthetic audit log and
// log file are found, in every form and place the scan covers, and nothing else is.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { describeFinding, findLeaks, readAuditLog, secretStrings } from '../../support/secret-scan.ts';
import { finishSecretScan, SecretScanError } from '../../support/secret-scan-run.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function entry(resource: string, object: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    stage: 'ResponseComplete', verb: 'create', responseStatus: { code: 201 },
    objectRef: { resource, namespace: 'apps', name: 'x', ...extra }, requestObject: object, responseObject: object,
  });
}

const secret = (name: string, data: Record<string, string>, labels: Record<string, string> = {}) =>
  ({ kind: 'Secret', metadata: { name, namespace: 'apps', labels }, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])) });

const AUDIT = [
  entry('secrets', secret('hook', { username: 'capstan', token: 'hunter2-token', address: 'http://10.1.2.3:9999/hook' })),
  entry('secrets', secret('values', { 'values.yaml': 'image:\n  tag: private-tag-42\n  pullPolicy: Never\nreplicas: 3\n' })),
  entry('secrets', { kind: 'Secret', metadata: { name: 'plain', namespace: 'apps' }, stringData: { password: 'only-in-stringData' } }),
  // helm's release storage holds the rendered values: not test data.
  entry('secrets', secret('sh.helm.release.v1.web.v1', { release: 'release-storage-blob' }, { owner: 'helm' })),
  entry('events', { kind: 'Event', message: 'upgrade failed: tag private-tag-42 not found', reason: 'UpgradeFailed' }),
  entry('events', { kind: 'Event', message: 'reconciled release-storage-blob', reason: 'Ok' }),
  entry('helmreleases', { status: { conditions: [{ message: `token ${b64('hunter2-token')}` }] } }, { apiGroup: 'helm.capstan.dev', subresource: 'status' }),
  entry('helmreleases', { status: { conditions: [{ message: 'Ready' }] } }, { apiGroup: 'helm.capstan.dev', subresource: 'status' }),
].join('\n');

describe('secret scan', () => {
  it('learns the values of test Secrets, with the leaves of YAML values, and skips short ones', () => {
    assert.deepEqual(secretStrings('image:\n  tag: private-tag-42\nreplicas: 3\n').sort(), ['image:\n  tag: private-tag-42\nreplicas: 3', 'private-tag-42']);
    assert.deepEqual(secretStrings('admin'), []);
    // A user name is an identity, not a credential.
    assert.deepEqual(secretStrings('auths: {registry: {username: capstan-bot, password: s3cret-pass}}').slice(1), ['s3cret-pass']);
    const record = readAuditLog(AUDIT);
    assert.deepEqual([...record.secrets].sort(), ['apps/hook', 'apps/plain', 'apps/values']);
    assert.ok(record.values.has('only-in-stringData'));
    assert.ok(!record.values.has('release-storage-blob'));
    assert.ok(!record.values.has('capstan'));
    assert.equal(record.events.length, 2);
    assert.equal(record.statuses.length, 2);
  });

  it('finds planted values in events, statuses (base64) and log lines, naming where and whose', () => {
    const record = readAuditLog(AUDIT);
    const log = { where: 'log c.log:7', object: { msg: 'calling', url: 'http://10.1.2.3:9999/hook' } };
    const findings = findLeaks(record.values, [...record.events, ...record.statuses, log]).map(describeFinding);
    assert.deepEqual(findings, [
      'event apps/x, field message: holds a value of Secret apps/values key values.yaml',
      'status helmreleases.helm.capstan.dev apps/x, field request.status.conditions[0].message: holds a value of Secret apps/hook key token (base64)',
      'status helmreleases.helm.capstan.dev apps/x, field status.conditions[0].message: holds a value of Secret apps/hook key token (base64)',
      'log c.log:7, field url: holds a value of Secret apps/hook key address',
    ]);
  });

  it('fails the run from the audit log and log files, and never prints the value', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'capstan-scan-'));
    const logDir = await mkdtemp(join(dir, 'logs-'));
    await writeFile(join(dir, 'audit.log'), `${entry('events', { message: 'before the run: hunter2-token' })}\n${AUDIT}\n`);
    await writeFile(join(logDir, 'a.test.ts.1.log'), '{"msg":"fine"}\nnot json only-in-stringData\n');
    const printed: string[] = [];
    t.mock.method(console, 'error', (line: string) => printed.push(line));
    const offset = Buffer.byteLength(`${entry('events', { message: 'before the run: hunter2-token' })}\n`);
    await assert.rejects(finishSecretScan({ auditLog: join(dir, 'audit.log'), auditOffset: offset, logDir }), (e: unknown) =>
      e instanceof SecretScanError && e.message === `secret scan: 5 values of 3 Secrets looked for in 2 events, 2 status writes and 2 log lines: 4 leaks (log lines kept in ${logDir})`);
    assert.ok(printed.includes('secret scan: LEAK log a.test.ts.1.log:2, field (the line): holds a value of Secret apps/plain key password'), printed.join('\n'));
    assert.ok(!printed.some((line) => /hunter2|private-tag|only-in-stringData/.test(line)));
  });

  it('says how to fix a cluster started without the audit log', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'capstan-scan-'));
    await assert.rejects(finishSecretScan({ auditLog: join(dir, 'audit.log'), auditOffset: 0, logDir: dir }), /restart it with 'make cluster-down cluster-up'/);
  });
});
