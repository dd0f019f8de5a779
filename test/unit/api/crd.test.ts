// The CRD generator keeps schemas structural and carries the kind's names and columns.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Type from 'typebox';
import { SchemaNotStructuralError, toCRD, toOpenApi } from '../../../src/api/crd.ts';
import { KINDS } from '../../../src/api/kinds.ts';
import { Duration, StringEnum } from '../../../src/api/schema.ts';

describe('toOpenApi', () => {
  it('keeps the keywords a structural schema allows', () => {
    const schema = Type.Object({ every: Duration({ description: 'd', default: '1m' }), mode: StringEnum(['a', 'b'] as const, { description: 'm' }) });
    assert.deepEqual(toOpenApi(schema), {
      type: 'object',
      required: ['every', 'mode'],
      properties: {
        every: { type: 'string', pattern: '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$', description: 'd', default: '1m' },
        mode: { type: 'string', enum: ['a', 'b'], description: 'm' },
      },
    });
  });

  it('refuses a union, which a structural schema cannot hold, naming the field', () => {
    const schema = Type.Object({ choice: Type.Union([Type.Literal('a'), Type.Literal('b')]) });
    assert.throws(() => toOpenApi(schema), (err: unknown) => err instanceof SchemaNotStructuralError && /\.choice: keyword "anyOf"/.test(err.message));
  });

  it('refuses a schema without a type unless it preserves unknown fields', () => {
    assert.throws(() => toOpenApi(Type.Object({ any: Type.Unknown() })), /\.any: every schema needs a type/);
  });
});

describe('toCRD', () => {
  it('names the HelmRelease CRD after its group and plural, with short name hr and a status subresource', () => {
    const crd = toCRD(KINDS.HelmRelease) as { metadata: { name: string }; spec: { names: { shortNames: string[] }; versions: { subresources: unknown }[] } };
    assert.equal(crd.metadata.name, 'helmreleases.helm.capstan.dev');
    assert.deepEqual(crd.spec.names.shortNames, ['hr']);
    assert.deepEqual(crd.spec.versions[0]?.subresources, { status: {} });
  });

  it('produces a CRD for every kind without throwing', () => {
    for (const info of Object.values(KINDS)) assert.equal(toCRD(info).kind, 'CustomResourceDefinition');
  });
});
