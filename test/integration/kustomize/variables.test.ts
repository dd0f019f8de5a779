// postBuild variables read from the real cluster: substituteFrom ConfigMaps and Secrets in order,
// then substitute; optional sources may be missing, required ones may not; no Secret value ever
// reaches a message.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { SubstituteSourceError } from '../../../src/kustomize/build/errors.ts';
import { gatherVariables } from '../../../src/kustomize/build/variables.ts';
import { countingClient } from '../../support/controller-client.ts';
import { kubectl } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';

describe('gatherVariables', () => {
  const ns = useNamespace('ks-vars');
  const { client } = countingClient();

  before(async () => {
    await kubectl(['create', 'configmap', 'cluster', '-n', ns.name, '--from-literal=region=eu', '--from-literal=size=small']);
    await kubectl(['create', 'secret', 'generic', 'creds', '-n', ns.name, '--from-literal=password=s3cr3t-value', '--from-literal=size=large']);
  });

  it('merges substituteFrom in order, then substitute, later values winning; skips a missing optional source', async () => {
    const variables = await gatherVariables(client, ns.name, {
      substituteFrom: [
        { kind: 'ConfigMap', name: 'cluster' },
        { kind: 'Secret', name: 'creds' },
        { kind: 'ConfigMap', name: 'absent', optional: true },
      ],
      substitute: { region: 'us' },
    });
    assert.deepEqual({ ...variables }, { region: 'us', size: 'large', password: 's3cr3t-value' });
  });

  it('means no substitution without postBuild, and substitution with no variables for an empty one', async () => {
    assert.equal(await gatherVariables(client, ns.name, undefined), undefined);
    assert.deepEqual({ ...await gatherVariables(client, ns.name, {}) }, {});
  });

  it('fails with SubstituteSourceNotFound for a missing required source, naming it and the fix', async () => {
    await assert.rejects(gatherVariables(client, ns.name, { substituteFrom: [{ kind: 'Secret', name: 'nope' }] }), (err: unknown) => {
      assert.ok(err instanceof SubstituteSourceError);
      assert.equal(err.reason, 'SubstituteSourceNotFound');
      assert.equal(err.message, `postBuild.substituteFrom Secret ${ns.name}/nope does not exist: create it, fix the name, or mark the entry optional: true`);
      return true;
    });
  });

  it('fails with InvalidVariableName for a key that cannot be a variable, without its value', async () => {
    await kubectl(['create', 'secret', 'generic', 'dotted', '-n', ns.name, '--from-literal=app.conf=hidden-value']);
    await assert.rejects(gatherVariables(client, ns.name, { substituteFrom: [{ kind: 'Secret', name: 'dotted' }] }), (err: unknown) => {
      assert.ok(err instanceof SubstituteSourceError);
      assert.equal(err.reason, 'InvalidVariableName');
      assert.match(err.message, /^postBuild\.substituteFrom Secret .*\/dotted has the key "app\.conf", which is not a variable name/);
      assert.doesNotMatch(err.message, /hidden-value/);
      return true;
    });
  });

  it('fails with SubstituteSourceForbidden when the Kustomization\'s identity may not read the source', async () => {
    const nobody = client.impersonating(`system:serviceaccount:${ns.name}:nobody`);
    await assert.rejects(gatherVariables(nobody, ns.name, { substituteFrom: [{ kind: 'Secret', name: 'creds' }] }), (err: unknown) => {
      assert.ok(err instanceof SubstituteSourceError);
      assert.equal(err.reason, 'SubstituteSourceForbidden');
      assert.match(err.message, /cannot be read: .*forbidden.*; grant get on secrets in .* with a Role and RoleBinding$/);
      assert.doesNotMatch(err.message, /s3cr3t-value/);
      return true;
    });
  });
});
