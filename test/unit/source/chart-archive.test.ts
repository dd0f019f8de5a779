// A chart package's entries must stay inside its root, as helm's loader demands.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { checkChartArchive, escapes } from '../../../src/source/chart-archive.ts';
import { ChartPackageError } from '../../../src/source/errors.ts';
import { FIXTURES_REPO } from '../../support/paths.ts';
import { chartTgz, paxRecord, tar, tgz } from '../../support/tarball.ts';

async function refused(bytes: Buffer, message: RegExp): Promise<void> {
  await assert.rejects(checkChartArchive(bytes, 'test.tgz'), (err: unknown) => err instanceof ChartPackageError && message.test(err.message));
}

describe('checkChartArchive', () => {
  it('accepts a chart packaged by helm', async () => {
    const summary = await checkChartArchive(readFileSync(join(FIXTURES_REPO, 'app-1.0.0.tgz')), 'app-1.0.0.tgz');
    assert.ok(summary.entries >= 3);
  });

  it('accepts a package with a folder entry and a link inside the chart', async () => {
    await checkChartArchive(chartTgz('app', '1.0.0', [{ name: 'app/templates/', type: '5' }, { name: 'app/templates/link.yaml', type: '2', linkname: '../values.yaml' }]), 't');
  });

  it('refuses an entry with a parent reference that climbs out', async () => {
    await refused(chartTgz('app', '1.0.0', [{ name: 'app/../../etc/cron.d/evil', content: 'x' }]), /climbs out/);
  });

  it('refuses an absolute path', async () => {
    await refused(chartTgz('app', '1.0.0', [{ name: '/etc/passwd', content: 'x' }]), /absolute path/);
  });

  it('refuses a path with a drive letter or backslashes that climb out', async () => {
    await refused(chartTgz('app', '1.0.0', [{ name: 'C:/Windows/evil', content: 'x' }]), /drive letter/);
    await refused(chartTgz('app', '1.0.0', [{ name: 'app\\..\\..\\evil', content: 'x' }]), /climbs out/);
  });

  it('refuses a symbolic link that points outside', async () => {
    await refused(chartTgz('app', '1.0.0', [{ name: 'app/templates/x.yaml', type: '2', linkname: '../../../etc/shadow' }]), /link/);
    await refused(chartTgz('app', '1.0.0', [{ name: 'app/x.yaml', type: '2', linkname: '/etc/shadow' }]), /link/);
  });

  it('reads the escaping name from a PAX header that overrides the plain one', async () => {
    await refused(tgz([{ name: 'PaxHeader/x', type: 'x', content: paxRecord('path', '../../evil') }, { name: 'app/harmless', content: 'x' }]), /climbs out/);
  });

  it('reads the escaping name from a GNU long-name header', async () => {
    await refused(tgz([{ name: '././@LongLink', type: 'L', content: `${'a/'.repeat(60)}${'../'.repeat(70)}evil\0` }, { name: 'app/harmless', content: 'x' }]), /climbs out/);
  });

  it('refuses something that is not gzip', async () => {
    await refused(Buffer.from('<html>not found</html>'), /not a gzip'd tar/);
  });

  it('refuses gzip that does not hold a tar archive', async () => {
    await refused(gzipSync(Buffer.alloc(2048, 'x')), /bad header checksum/);
  });

  it('refuses a package that unpacks past its bound', async () => {
    const big = tgz([{ name: 'app/big', content: 'x'.repeat(2 * 1024 * 1024) }]);
    await assert.rejects(checkChartArchive(big, 't', 1024 * 1024), /unpacks to more than 1 MiB/);
  });

  it('finds an entry whatever the gzip chunking (headers split across reads)', async () => {
    const entries = Array.from({ length: 300 }, (_, i) => ({ name: `app/templates/f${i}.yaml`, content: 'y'.repeat(i * 7) }));
    const bytes = gzipSync(tar([...entries, { name: 'app/../../evil', content: 'x' }]));
    await refused(bytes, /climbs out/);
  });
});

describe('escapes', () => {
  const table: [string, boolean][] = [
    ['app/Chart.yaml', false], ['app/../app2/x', false], ['./app/x', false], ['app/..', false],
    ['..', true], ['../x', true], ['app/../../x', true], ['/x', true], ['\\x', true], ['c:x', true], ['app\\..\\..\\x', true],
  ];
  for (const [path, escaping] of table) {
    it(`${escaping ? 'flags' : 'allows'} ${JSON.stringify(path)}`, () => { assert.equal(escapes(path) !== undefined, escaping); });
  }
});
