// helm pull of an OCI chart never gets a secret on its command line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pullArgs, registryConfig } from '../../../src/source/oci-pull.ts';

describe('pullArgs', () => {
  it('passes credentials and TLS material as files, never as values', () => {
    const files = { dir: '/tmp/p', destination: '/tmp/p/out', registryConfig: '/tmp/p/registry-config.json', caFile: '/tmp/p/ca.crt', certFile: '/tmp/p/tls.crt', keyFile: '/tmp/p/tls.key' };
    const args = pullArgs({ url: 'oci://r.example/charts/', chart: 'app', version: '1.0.0+b1', insecure: true }, files);
    assert.deepEqual(args, [
      'pull', 'oci://r.example/charts/app', '--version', '1.0.0+b1', '--destination', '/tmp/p/out',
      '--registry-config', '/tmp/p/registry-config.json', '--plain-http',
      '--ca-file', '/tmp/p/ca.crt', '--cert-file', '/tmp/p/tls.crt', '--key-file', '/tmp/p/tls.key',
    ]);
    assert.ok(!args.join(' ').includes('password'));
  });
});

describe('registryConfig', () => {
  it('holds the credentials for the registry host in docker config format', () => {
    const config = JSON.parse(registryConfig('r.example:5000', { username: 'u', password: 'p' })) as { auths: Record<string, { auth: string }> };
    assert.equal(Buffer.from(config.auths['r.example:5000']?.auth ?? '', 'base64').toString(), 'u:p');
    assert.deepEqual(JSON.parse(registryConfig('r.example', undefined)), { auths: {} });
  });
});
