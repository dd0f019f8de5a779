// The wrapper knows which helm it runs, from the binary itself.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { HelmUnsupportedError } from '../../../src/helm/errors.ts';
import { helmVersion, parseHelmVersion } from '../../../src/helm/version.ts';
import { HELM_MAJORS } from '../../support/paths.ts';

describe('parseHelmVersion', () => {
  it('reads version and Go version', () => {
    assert.deepEqual(parseHelmVersion('v4.1.4 go1.25.9\n'), { major: 4, minor: 1, patch: 4, version: 'v4.1.4', goVersion: 'go1.25.9' });
    assert.deepEqual(parseHelmVersion('v3.18.0-rc.1 go1.24.2'), { major: 3, minor: 18, patch: 0, version: 'v3.18.0-rc.1', goVersion: 'go1.24.2' });
  });

  it('refuses helm 2 and anything it cannot read', () => {
    assert.throws(() => parseHelmVersion('v2.17.0 go1.14'), HelmUnsupportedError);
    assert.throws(() => parseHelmVersion('Client: &version.Version{}'), /capstan runs helm 3 or helm 4/);
  });
});

describe('helmVersion', () => {
  for (const major of HELM_MAJORS) {
    it(`detects ${major.name} from the binary, once`, async () => {
      const home = await mkdtemp(join(tmpdir(), 'capstan-helm-'));
      const first = helmVersion(major.binary, home);
      assert.equal(helmVersion(major.binary, home), first);
      const version = await first;
      assert.equal(`helm ${version.major}`, major.name);
      assert.match(version.goVersion, /^go1\.\d+/);
    });
  }

  it('fails for a binary that does not exist, and does not cache the failure', async () => {
    const home = await mkdtemp(join(tmpdir(), 'capstan-helm-'));
    await assert.rejects(helmVersion('/nonexistent/helm', home), (err: unknown) => err instanceof HelmUnsupportedError && /ENOENT|could not start/.test(err.message));
    await assert.rejects(helmVersion('/nonexistent/helm', home), HelmUnsupportedError);
  });
});
