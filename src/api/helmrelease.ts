// helm.capstan.dev/v1 HelmRelease: field names follow Flux v2's helm-controller where the meaning
// is the same (docs/api.md lists where capstan differs on purpose).
import { commonStatus, CrossNamespaceReference, DependencyReference } from './meta.ts';
import { Cel, Duration, exactlyOne, FreeForm, Name, NamespaceName, StringEnum, Type, type Static } from './schema.ts';

export const HELM_GROUP = 'helm.capstan.dev';

const timeout = (what: string) => Type.Optional(Duration({ description: `Timeout of ${what}; defaults to spec.timeout.` }));
const disableWait = (what: string) =>
  Type.Optional(Type.Boolean({ description: `Do not wait for resources to be ready after ${what}.`, default: false }));
const disableHooks = (what: string) =>
  Type.Optional(Type.Boolean({ description: `Skip the chart's hooks during ${what}.`, default: false }));
const crds = (action: string, byDefault: string) => Type.Optional(
  StringEnum(['Skip', 'Create', 'CreateReplace'] as const, {
    description: `What ${action} does with the CRDs in the chart's crds/ folders: Skip, Create (only absent ones), CreateReplace (create and update by server-side apply). Default: ${byDefault}.`,
  }),
);
const remediateLastFailure = Type.Optional(
  Type.Boolean({ description: 'Remediate the last failure too, when no retries are left.' }),
);

export const HelmChartTemplateSpec = Type.Object(
  {
    chart: Type.String({ description: 'Chart name in the repository, or the path of the chart folder in a GitRepository (e.g. ./charts/app).', minLength: 1, maxLength: 2048 }),
    version: Type.Optional(
      Type.String({ description: 'Helm version constraint (e.g. ^1.2, ~2.0, >=1.0 <2.0); default: the latest stable version.', default: '*' }),
    ),
    sourceRef: CrossNamespaceReference(['HelmRepository', 'GitRepository'] as const, 'chart source'),
    interval: Type.Optional(Duration({ description: 'How often the version constraint is re-resolved; defaults to spec.interval.' })),
    reconcileStrategy: Type.Optional(
      StringEnum(['ChartVersion', 'Revision'] as const, {
        description: 'Charts from a GitRepository: ChartVersion upgrades when Chart.yaml\'s version changes; Revision upgrades on every new source revision (the version gets +<commit> build metadata).',
        default: 'ChartVersion',
      }),
    ),
  },
  { description: 'Where the chart comes from and which versions are acceptable.' },
);

export const ValuesReference = Type.Object(
  {
    kind: StringEnum(['ConfigMap', 'Secret'] as const, { description: 'Kind of the values source.' }),
    name: Name('Name of the ConfigMap or Secret, in the HelmRelease namespace.'),
    valuesKey: Type.Optional(Type.String({ description: 'Data key holding the values.', default: 'values.yaml', maxLength: 253, pattern: '^[\\-._a-zA-Z0-9]+$' })),
    targetPath: Type.Optional(
      Type.String({ description: 'Put the value at this path (helm --set syntax) instead of merging a whole document.', maxLength: 250, pattern: '^([a-zA-Z0-9_\\-.\\\\\\/]|\\[[0-9]{1,5}\\])+$' }),
    ),
    literal: Type.Optional(Type.Boolean({ description: 'With targetPath: the value is one literal string (commas kept, no typing), like helm --set-literal.', default: false })),
    optional: Type.Optional(Type.Boolean({ description: 'A missing object or key is not an error.', default: false })),
  },
  { description: 'Values taken from a ConfigMap or Secret, merged in list order.' },
);
export type ValuesReference = Static<typeof ValuesReference>;

export const InstallSpec = Type.Object(
  {
    timeout: timeout('the install'),
    createNamespace: Type.Optional(Type.Boolean({ description: 'Create the target namespace when missing.', default: false })),
    crds: crds('the install', 'Create'),
    disableWait: disableWait('the install'),
    disableHooks: disableHooks('the install'),
    replace: Type.Optional(Type.Boolean({ description: 'Reuse a release name whose history holds only uninstalled or failed releases.', default: false })),
    remediation: Type.Optional(
      Type.Object(
        {
          retries: Type.Optional(Type.Integer({ description: 'Attempts after a failed install; 0 = none, negative = forever.', default: 0 })),
          remediateLastFailure,
        },
        { description: 'What happens when the install fails.' },
      ),
    ),
  },
  { description: 'How the release is installed.' },
);

export const UpgradeSpec = Type.Object(
  {
    timeout: timeout('the upgrade'),
    crds: crds('an upgrade', 'Skip'),
    force: Type.Optional(Type.Boolean({ description: 'Replace resources that cannot be patched (delete and recreate).', default: false })),
    cleanupOnFail: Type.Optional(Type.Boolean({ description: 'Delete resources created by a failed upgrade.', default: false })),
    preserveValues: Type.Optional(Type.Boolean({ description: 'Reuse the last release\'s values instead of --reset-values.', default: false })),
    disableWait: disableWait('the upgrade'),
    disableHooks: disableHooks('the upgrade'),
    remediation: Type.Optional(
      Type.Object(
        {
          retries: Type.Optional(Type.Integer({ description: 'Attempts after a failed upgrade (0 = none).', minimum: 0, default: 0 })),
          strategy: Type.Optional(
            StringEnum(['rollback', 'uninstall'] as const, { description: 'rollback to the newest good revision, or uninstall.', default: 'rollback' }),
          ),
          remediateLastFailure,
        },
        { description: 'What happens when the upgrade fails.' },
      ),
    ),
  },
  { description: 'How the release is upgraded.' },
);

export const TestSpec = Type.Object(
  {
    enable: Type.Optional(Type.Boolean({ description: 'Run helm test after every install and upgrade.', default: false })),
    timeout: timeout('the tests'),
    ignoreFailures: Type.Optional(Type.Boolean({ description: 'A failing test does not fail the release.', default: false })),
    filters: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.String({ description: 'Name of a test hook.', minLength: 1 }),
            exclude: Type.Optional(Type.Boolean({ description: 'Skip this test instead of running only it.', default: false })),
          },
          { description: 'Selects test hooks by name.' },
        ),
        { description: 'Which tests to run (helm test --filter).' },
      ),
    ),
  },
  { description: 'Helm tests after install and upgrade.' },
);

export const RollbackSpec = Type.Object(
  {
    timeout: timeout('the rollback'),
    disableWait: disableWait('the rollback'),
    disableHooks: disableHooks('the rollback'),
    force: Type.Optional(Type.Boolean({ description: 'Replace resources that cannot be patched.', default: false })),
    cleanupOnFail: Type.Optional(Type.Boolean({ description: 'Delete new resources when the rollback fails.', default: false })),
  },
  { description: 'How a failed upgrade is rolled back.' },
);

export const UninstallSpec = Type.Object(
  {
    timeout: timeout('the uninstall'),
    keepHistory: Type.Optional(Type.Boolean({ description: 'Keep the release history after uninstalling.', default: false })),
    disableHooks: disableHooks('the uninstall'),
    disableWait: disableWait('the uninstall'),
    deletionPropagation: Type.Optional(
      StringEnum(['background', 'foreground', 'orphan'] as const, { description: 'How dependents of deleted objects are deleted.', default: 'background' }),
    ),
  },
  { description: 'How the release is uninstalled (deletion, remediation).' },
);

export const DriftIgnoreRule = Type.Object(
  {
    paths: Type.Array(
      Type.String({ description: 'A JSON pointer (RFC 6901), e.g. /spec/replicas or /metadata/annotations/example.com~1note.', pattern: '^(/([^~]|~[01])*)+$' }),
      { description: 'Fields not compared.', minItems: 1 },
    ),
    target: Type.Optional(
      Type.Object(
        {
          group: Type.Optional(Type.String({ description: 'API group ("" for the core group).' })),
          version: Type.Optional(Type.String({ description: 'API version.' })),
          kind: Type.Optional(Type.String({ description: 'Kind.' })),
          name: Type.Optional(Type.String({ description: 'Object name.' })),
          namespace: Type.Optional(Type.String({ description: 'Object namespace.' })),
          labelSelector: Type.Optional(Type.String({ description: 'Label selector (key=value, key!=value, key in (a,b), key notin (a,b), key, !key; comma = and).' })),
        },
        { description: 'Which objects the rule applies to; all when empty.' },
      ),
    ),
  },
  { description: 'Fields to leave out of drift detection.' },
);
export type DriftIgnoreRule = Static<typeof DriftIgnoreRule>;

export const DriftDetectionSpec = Type.Object(
  {
    mode: Type.Optional(
      StringEnum(['enabled', 'warn', 'disabled'] as const, { description: 'enabled: detect and correct; warn: detect and report; disabled.', default: 'disabled' }),
    ),
    ignore: Type.Optional(Type.Array(DriftIgnoreRule, { description: 'Fields not compared.' })),
  },
  { description: 'Detection (and correction) of changes made to the release\'s objects outside Helm.' },
);
export type DriftDetectionSpec = Static<typeof DriftDetectionSpec>;

export const HelmReleaseSpec = Type.Object(
  {
    chart: Type.Optional(
      Type.Object({ spec: HelmChartTemplateSpec }, { description: 'The chart, from a HelmRepository or a GitRepository.' }),
    ),
    chartRef: Type.Optional(
      Type.Object(
        {
          kind: StringEnum(['GitRepository'] as const, { description: 'Kind of the source whose artifact is the chart.' }),
          name: Name('Name of the source.'),
          namespace: Type.Optional(NamespaceName('Namespace of the source; defaults to the HelmRelease namespace.')),
        },
        { description: 'A source whose whole artifact is the chart (alternative to chart).' },
      ),
    ),
    interval: Duration({ description: 'How often the release is reconciled even when nothing changed.', default: '10m' }),
    timeout: Type.Optional(Duration({ description: 'Default timeout of every helm action.', default: '5m' })),
    dependsOn: Type.Optional(Type.Array(DependencyReference, { description: 'HelmReleases (or, with kind, Kustomizations) that must be Ready before this one is installed or upgraded.' })),
    suspend: Type.Optional(Type.Boolean({ description: 'Stop all actions until set back to false.', default: false })),
    releaseName: Type.Optional(Type.String({ description: 'Helm release name; see docs for the default.', minLength: 1, maxLength: 53, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$' })),
    targetNamespace: Type.Optional(NamespaceName('Namespace the release (and its history) lives in; defaults to the HelmRelease namespace.')),
    serviceAccountName: Type.Optional(Name('Service account in the HelmRelease namespace to impersonate for every helm and API call.')),
    maxHistory: Type.Optional(Type.Integer({ description: 'Release revisions kept by helm (0 = unlimited).', minimum: 0, default: 5 })),
    values: Type.Optional(FreeForm({ description: 'Inline values, merged after valuesFrom.' })),
    valuesFrom: Type.Optional(Type.Array(ValuesReference, { description: 'Values from ConfigMaps and Secrets, in order.' })),
    install: Type.Optional(InstallSpec),
    upgrade: Type.Optional(UpgradeSpec),
    test: Type.Optional(TestSpec),
    rollback: Type.Optional(RollbackSpec),
    uninstall: Type.Optional(UninstallSpec),
    driftDetection: Type.Optional(DriftDetectionSpec),
  },
  { description: 'The desired state of a Helm release.', ...Cel(exactlyOne(['chart', 'chartRef'])) },
);
export type HelmReleaseSpec = Static<typeof HelmReleaseSpec>;

export const TestHookStatus = Type.Object(
  {
    name: Type.String({ description: 'Test hook name.' }),
    phase: Type.String({ description: 'Succeeded, Failed, or Unknown.' }),
    startedAt: Type.Optional(Type.String({ description: 'When it started.', format: 'date-time' })),
    completedAt: Type.Optional(Type.String({ description: 'When it ended.', format: 'date-time' })),
  },
  { description: 'The result of one test hook.' },
);
export type TestHookStatus = Static<typeof TestHookStatus>;

export const Snapshot = Type.Object(
  {
    name: Type.String({ description: 'Release name.' }),
    namespace: Type.String({ description: 'Release namespace.' }),
    version: Type.Integer({ description: 'Release revision.' }),
    status: Type.String({ description: 'Release status (deployed, failed, superseded, …).' }),
    chartName: Type.String({ description: 'Chart name.' }),
    chartVersion: Type.String({ description: 'Chart version.' }),
    appVersion: Type.Optional(Type.String({ description: 'Chart appVersion.' })),
    chartDigest: Type.Optional(Type.String({ description: 'sha256 of the chart package; its version when the source announces no digest (charts from Git).' })),
    sourceRevision: Type.Optional(Type.String({ description: 'Revision of the GitRepository artifact the chart was packaged from (<branch>@sha1:<commit>).' })),
    configDigest: Type.String({ description: 'sha256 of the composed values (canonical JSON).' }),
    firstDeployed: Type.Optional(Type.String({ description: 'When revision 1 was deployed.', format: 'date-time' })),
    lastDeployed: Type.Optional(Type.String({ description: 'When this revision was deployed.', format: 'date-time' })),
    testHooks: Type.Optional(Type.Array(TestHookStatus, { description: 'Test results of this revision.' })),
  },
  { description: 'One release revision as capstan saw it.' },
);
export type Snapshot = Static<typeof Snapshot>;

export const HelmReleaseStatus = Type.Object(
  {
    ...commonStatus,
    history: Type.Optional(Type.Array(Snapshot, { description: 'Release revisions, newest first.' })),
    lastAttemptedRevision: Type.Optional(Type.String({ description: 'Chart version of the last attempt.' })),
    lastAttemptedConfigDigest: Type.Optional(Type.String({ description: 'Values digest of the last attempt.' })),
    lastAttemptedReleaseAction: Type.Optional(
      StringEnum(['install', 'upgrade'] as const, { description: 'Action of the last attempt.' }),
    ),
    failures: Type.Optional(Type.Integer({ description: 'Failed reconciles since the last success.' })),
    installFailures: Type.Optional(Type.Integer({ description: 'Failed installs since the last success.' })),
    upgradeFailures: Type.Optional(Type.Integer({ description: 'Failed upgrades since the last success.' })),
    lastHandledForceAt: Type.Optional(Type.String({ description: 'Value of reconcile.capstan.dev/forceAt last handled.' })),
    lastHandledResetAt: Type.Optional(Type.String({ description: 'Value of reconcile.capstan.dev/resetAt last handled.' })),
    storageNamespace: Type.Optional(Type.String({ description: 'Namespace holding the release history.' })),
  },
  { description: 'Observed state of a HelmRelease.' },
);
export type HelmReleaseStatus = Static<typeof HelmReleaseStatus>;
