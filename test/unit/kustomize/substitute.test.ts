// postBuild substitution as Flux does it: on each object written out as YAML, defaults, escapes,
// opt-outs, and a failed build (never an empty string) for a variable nobody set.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BuildError } from '../../../src/kustomize/build/errors.ts';
import { parseManifests } from '../../../src/kustomize/build/manifests.ts';
import { substituteMetadata, substituteObject, substituteText } from '../../../src/kustomize/build/substitute.ts';

describe('substituteText', () => {
  const variables = { name: 'web', empty: '', replicas: '3' };
  const rows: [string, string][] = [
    ['${name}', 'web'],
    ['app-${name}-${replicas}', 'app-web-3'],
    ['${missing:=fallback}', 'fallback'],
    ['${missing:-fallback}', 'fallback'],
    ['${empty:=fallback}', 'fallback'],
    ['${name:=fallback}', 'web'],
    ['${missing:=}', ''],
    ['$${name}', '${name}'],
    ['$${missing}', '${missing}'],
    ['$name and ${ name } and ${1x}', '$name and ${ name } and ${1x}'],
  ];
  for (const [text, expected] of rows) {
    it(`${text} → ${expected}`, () => {
      assert.deepEqual(substituteText(text, variables), { ok: true, text: expected });
    });
  }

  it('lists every variable that is unset and has no default', () => {
    assert.deepEqual(substituteText('${a} ${b:=x} ${c} ${a}', {}), { ok: false, unset: ['a', 'c'] });
  });

  it('does not find names on the prototype of the variables object', () => {
    assert.deepEqual(substituteText('${constructor}', {}), { ok: false, unset: ['constructor'] });
  });
});

function only(text: string, variables: Record<string, string>) {
  return parseManifests(text, 'apps/web.yaml').map((object) => substituteObject(object, variables, 'apps/web.yaml'));
}

describe('substituteObject', () => {
  const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-${env}\nspec:\n  replicas: ${replicas}\n  template:\n    env:\n      port: "${port}"\n      id: ${quote}${id}${quote}\n      text: "8080"\n';

  it('types a substituted value as YAML reads it, like Flux, keeping strings that did not change', () => {
    const [object] = only(deployment, { env: 'prod', replicas: '3', port: '8080', id: '0123', quote: '"' });
    assert.deepEqual(object, {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web-prod' },
      spec: { replicas: 3, template: { env: { port: 8080, id: '0123', text: '8080' } } },
    });
  });

  it('fails on an unset variable without default, naming it, the object, the file and the fix', () => {
    assert.throws(() => only(deployment, { env: 'prod', port: '1', id: '1', quote: '' }), (err: unknown) => {
      assert.ok(err instanceof BuildError);
      assert.equal(err.reason, 'SubstitutionFailed');
      assert.match(err.message, /^Deployment\/web-\$\{env\} \(apps\/web\.yaml\) uses \$\{replicas\}, which is not set: add it to postBuild\.substitute or to a postBuild\.substituteFrom ConfigMap or Secret/);
      return true;
    });
  });

  for (const annotation of ['kustomize.toolkit.fluxcd.io/substitute', 'kustomize.capstan.dev/substitute']) {
    it(`leaves an object annotated ${annotation}: disabled alone`, () => {
      const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: script\n  annotations:\n    ${annotation}: disabled\ndata:\n  run.sh: echo \${HOME}\n`;
      const [object] = only(text, {});
      assert.deepEqual((object as unknown as { data: unknown }).data, { 'run.sh': 'echo ${HOME}' });
    });
  }

  it('fails when a value breaks the YAML, without showing the value', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  key: ${value}\n';
    assert.throws(() => only(text, { value: '*hunter2' }), (err: unknown) => {
      assert.ok(err instanceof BuildError);
      assert.equal(err.reason, 'SubstitutionFailed');
      assert.equal(err.message, 'ConfigMap/c (apps/web.yaml) is not valid YAML after substitution: fix the variable\'s value (one that is not a plain YAML scalar needs quotes of its own)');
      assert.equal(err.cause, undefined, 'js-yaml\'s error, which quotes the text, is not kept');
      return true;
    });
  });

  it('fails when a value turns the object into something else, naming what is missing', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n';
    assert.throws(() => only(text, { name: '' }), {
      reason: 'SubstitutionFailed',
      message: /^ConfigMap\/\$\{name\} \(apps\/web\.yaml\) after substitution: document 1 has no metadata\.name: .*; fix the variable's value$/,
    });
  });

  it('returns an object without ${ as it is', () => {
    const [object] = parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n', 'x.yaml');
    assert.ok(object);
    assert.equal(substituteObject(object, {}, 'x.yaml'), object);
  });
});

describe('substituteMetadata', () => {
  it('substitutes the values of commonMetadata, as Flux does by adding them before substituting', () => {
    assert.deepEqual(substituteMetadata({ labels: { cluster: '${cluster}' }, annotations: { team: '${team:=core}' } }, { cluster: 'eu-1' }),
      { labels: { cluster: 'eu-1' }, annotations: { team: 'core' } });
  });

  it('names the field of an unset variable', () => {
    assert.throws(() => substituteMetadata({ labels: { env: '${env}' } }, {}), (err: unknown) => {
      assert.ok(err instanceof BuildError);
      assert.equal(err.reason, 'SubstitutionFailed');
      assert.match(err.message, /^spec\.commonMetadata\.labels\.env uses \$\{env\}, which is not set: add it to postBuild\.substitute/);
      return true;
    });
  });
});
