// Bad input to a HelmRelease: each case ends as Ready=False with a stable reason and a message
// that says what to fix, a Warning event when a helm action failed, no new revision of a release
// that is already deployed, and nothing deployed changed.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { condition, fixtureChartSpec, isReady, useHelmReleaseSuite } from '../../support/helmrelease.ts';
import { useControllers } from '../../support/in-process-controller.ts';
import { kubectl, kubectlJson } from '../../support/kubectl.ts';
import { useNamespace } from '../../support/namespace.ts';
import { HELM_MAJORS } from '../../support/paths.ts';

// Both majors at once: each suite has its own namespace, controllers and helm.
describe('HelmRelease bad input', { concurrency: true }, () => {
  for (const major of HELM_MAJORS) {
    describe(`with ${major.name}`, { concurrency: false }, () => {
      const namespace = useNamespace(`hrbad${major.name.slice(-1)}`);
      const running = useControllers(namespace, { helm: major });
      const suite = useHelmReleaseSuite(namespace, running, major);
      const { apply, waitHr, waitReason } = suite;

      // `app` takes a document from a ConfigMap and a token from a Secret; `broken` and `strict`
      // are the charts that refuse bad values. All three are deployed at revision 1 before the cases.
      const appSpec = (changes: Record<string, unknown> = {}, extraValuesFrom: Record<string, unknown>[] = []) => ({
        interval: '10m',
        ...fixtureChartSpec('app', '1.0.0'),
        valuesFrom: [
          { kind: 'ConfigMap', name: 'app-values' },
          { kind: 'Secret', name: 'app-secret', valuesKey: 'token', targetPath: 'config.token' },
          ...extraValuesFrom,
        ],
        ...changes,
      });
      const goodValues = 'config: {greeting: deployed}\n';
      const setAppValues = async (text: string) => {
        const manifest = await kubectl(['create', 'configmap', 'app-values', '-n', namespace.name, `--from-literal=values.yaml=${text}`, '--dry-run=client', '-o', 'yaml']);
        await kubectl(['apply', '-n', namespace.name, '-f', '-'], { input: manifest.stdout });
      };
      const renderedAppConfig = async () =>
        (await kubectlJson<{ data: Record<string, string> }>(['get', 'configmap', 'app-app-config', '-n', namespace.name])).data;
      let deployedAppConfig: Record<string, string> = {};

      /** helm's history and capstan's both still say revision 1, deployed; app renders as before. */
      const assertUntouched = async (release: string) => {
        assert.deepEqual((await suite.history(release)).map((h) => [h.revision, h.status]), [[1, 'deployed']], `${release}: no new revision`);
        const hr = await suite.get(release);
        assert.equal(hr.status?.history?.[0]?.version, 1);
        if (release === 'app') assert.deepEqual(await renderedAppConfig(), deployedAppConfig, 'the deployed objects are unchanged');
      };
      /** Puts app back to its good inputs: Ready again at revision 1, with no helm process. */
      const restoreApp = async () => {
        await setAppValues(goodValues);
        await apply('app', appSpec());
        await waitHr('app', 'Ready again', isReady);
        await assertUntouched('app');
      };

      before(async () => {
        await setAppValues(goodValues);
        await kubectl(['create', 'secret', 'generic', 'app-secret', '-n', namespace.name, '--from-literal=token=s3cr3t-token']);
        await apply('app', appSpec());
        await apply('broken', { interval: '10m', ...fixtureChartSpec('broken', '1.0.0'), values: { explode: false } });
        await apply('strict', { interval: '10m', ...fixtureChartSpec('strict', '1.0.0'), values: { port: 8080 } });
        for (const name of ['app', 'broken', 'strict']) await waitHr(name, 'Ready', isReady);
        deployedAppConfig = await renderedAppConfig();
      });

      it('reports a ConfigMap whose values are not YAML as ValuesError, runs no helm and changes nothing', async () => {
        const helm = await suite.helmCount();
        await setAppValues('config: {greeting: [unclosed\n');
        const hr = await waitReason('app', 'ValuesError');
        assert.equal(condition(hr, 'Ready')?.status, 'False');
        assert.match(condition(hr, 'Ready')?.message ?? '', new RegExp(`ConfigMap ${namespace.name}/app-values key values\\.yaml is not valid YAML: .*; fix it so that it holds one YAML map`));
        await assertUntouched('app');
        await restoreApp();
        assert.equal(await suite.helmCount(), helm, 'no helm process');
      });

      it('reports a ConfigMap whose values are not a map as ValuesError, runs no helm and changes nothing', async () => {
        const helm = await suite.helmCount();
        await setAppValues('- just\n- a list\n');
        const hr = await waitReason('app', 'ValuesError');
        assert.match(condition(hr, 'Ready')?.message ?? '', new RegExp(`ConfigMap ${namespace.name}/app-values key values\\.yaml cannot be used as Helm values: .*; fix it so that it holds one YAML map`));
        await assertUntouched('app');
        await restoreApp();
        assert.equal(await suite.helmCount(), helm, 'no helm process');
      });

      it('reports a targetPath that does not parse as ValuesError, without the secret in the message', async () => {
        const helm = await suite.helmCount();
        await apply('app', appSpec({}, [{ kind: 'Secret', name: 'app-secret', valuesKey: 'token', targetPath: 'config[0]b' }]));
        const hr = await waitReason('app', 'ValuesError');
        const message = condition(hr, 'Ready')?.message ?? '';
        assert.match(message, new RegExp(`Secret ${namespace.name}/app-secret key token: targetPath "config\\[0\\]b" cannot be set .*: fix the path \\(helm --set syntax`));
        assert.doesNotMatch(message, /s3cr3t-token/);
        await assertUntouched('app');
        await restoreApp();
        assert.equal(await suite.helmCount(), helm, 'no helm process');
      });

      it('reports a missing key of a Secret as ValuesError, and accepts it once the entry is optional', async () => {
        const helm = await suite.helmCount();
        await apply('app', appSpec({}, [{ kind: 'Secret', name: 'app-secret', valuesKey: 'absent' }]));
        const hr = await waitReason('app', 'ValuesError');
        assert.match(condition(hr, 'Ready')?.message ?? '', new RegExp(`Secret ${namespace.name}/app-secret has no key absent: add the key, .* or set optional: true`));
        await assertUntouched('app');

        await apply('app', appSpec({}, [{ kind: 'Secret', name: 'app-secret', valuesKey: 'absent', optional: true }]));
        await waitHr('app', 'Ready with the optional key left out', isReady);
        // The composed values are the deployed ones: nothing to upgrade.
        await assertUntouched('app');
        assert.equal(await suite.helmCount(), helm, 'no helm process');
        await restoreApp();
      });

      it('reports a HelmRepository that does not exist as SourceNotReady and changes nothing', async () => {
        const helm = await suite.helmCount();
        await apply('app', appSpec(fixtureChartSpec('app', '1.0.0', 'nowhere')));
        const hr = await waitReason('app', 'SourceNotReady');
        assert.equal(condition(hr, 'Ready')?.status, 'False');
        assert.match(condition(hr, 'Ready')?.message ?? '', new RegExp(`HelmRepository ${namespace.name}/nowhere does not exist: create it or fix chart\\.spec\\.sourceRef`));
        await assertUntouched('app');
        await restoreApp();
        assert.equal(await suite.helmCount(), helm, 'no helm process');
      });

      it('reports a dependency that does not exist as DependencyNotReady and changes nothing', async () => {
        const helm = await suite.helmCount();
        await apply('app', appSpec({ dependsOn: [{ name: 'ghost' }] }));
        const hr = await waitReason('app', 'DependencyNotReady');
        assert.equal(condition(hr, 'Ready')?.status, 'False');
        assert.match(condition(hr, 'Ready')?.message ?? '', new RegExp(`dependency HelmRelease ${namespace.name}/ghost does not exist: create it or remove it from dependsOn`));
        await assertUntouched('app');
        await restoreApp();
        assert.equal(await suite.helmCount(), helm, 'no helm process');
      });

      it('keeps the deployed release when the new values make the templates fail to render', async () => {
        await apply('broken', { interval: '10m', ...fixtureChartSpec('broken', '1.0.0'), values: { explode: true } });
        const hr = await waitReason('broken', 'UpgradeFailed');
        assert.equal(condition(hr, 'Ready')?.status, 'False');
        assert.match(condition(hr, 'Ready')?.message ?? '',
          /could not render the chart: .*broken: explode is true, refusing to render.*; fix the values \(or the chart\) so that its templates render/s);
        const event = await suite.waitEvent('broken', 'Warning', 'UpgradeFailed');
        assert.match(event.note, /broken: explode is true/);
        assert.equal(event.metadata.annotations?.['event.capstan.dev/helmReason'], 'ChartRenderFailed');
        await assertUntouched('broken');
        const cm = await kubectlJson<{ data: Record<string, string> }>(['get', 'configmap', 'broken-broken', '-n', namespace.name]);
        assert.deepEqual(cm.data, { ok: 'true' });
      });

      it('keeps the deployed release when the new values break values.schema.json', async () => {
        await apply('strict', { interval: '10m', ...fixtureChartSpec('strict', '1.0.0'), values: { port: 'abc' } });
        const hr = await waitReason('strict', 'UpgradeFailed');
        assert.equal(condition(hr, 'Ready')?.status, 'False');
        const message = condition(hr, 'Ready')?.message ?? '';
        assert.match(message, /rejected the values: .*port.*; correct the values listed so that they meet the chart's values\.schema\.json/s);
        const event = await suite.waitEvent('strict', 'Warning', 'UpgradeFailed');
        assert.equal(event.metadata.annotations?.['event.capstan.dev/helmReason'], 'ValuesSchemaInvalid');
        await assertUntouched('strict');
        const cm = await kubectlJson<{ data: Record<string, string> }>(['get', 'configmap', 'strict-strict', '-n', namespace.name]);
        assert.deepEqual(cm.data, { port: '8080' });
      });

      it('reports a target namespace that does not exist, and says to create it or set createNamespace', async () => {
        const absent = `${namespace.name}-absent`;
        await apply('elsewhere', { interval: '10m', ...fixtureChartSpec('app', '1.0.0'), targetNamespace: absent });
        const hr = await waitReason('elsewhere', 'InstallFailed');
        assert.equal(condition(hr, 'Ready')?.status, 'False');
        assert.match(condition(hr, 'Ready')?.message ?? '',
          new RegExp(`install of ${absent}/${absent}-elsewhere with app@1\\.0\\.0 failed: .*namespace ${absent} does not exist; create it, or let the install create it \\(createNamespace\\)`));
        const event = await suite.waitEvent('elsewhere', 'Warning', 'InstallFailed');
        assert.equal(event.metadata.annotations?.['event.capstan.dev/helmReason'], 'NamespaceNotFound');
        const ns = await kubectl(['get', 'namespace', absent], { check: false });
        assert.notEqual(ns.exitCode, 0, 'the namespace was not created');
      });
    });
  }
});
