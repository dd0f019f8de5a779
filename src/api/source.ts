// source.capstan.dev/v1: HelmRepository and GitRepository.
import { commonStatus, LocalRef, reconcileSpec } from './meta.ts';
import { Cel, Duration, StringEnum, Type, type Static } from './schema.ts';

export const SOURCE_GROUP = 'source.capstan.dev';

export const Artifact = Type.Object(
  {
    revision: Type.String({ description: 'Source revision: sha256 of the index, a Git commit, or an OCI manifest digest.' }),
    digest: Type.Optional(Type.String({ description: 'Digest of the stored artifact (algo:hex).' })),
    size: Type.Optional(Type.Integer({ description: 'Size in bytes of the fetched content.', format: 'int64' })),
    lastUpdateTime: Type.String({ description: 'When this revision was first seen.', format: 'date-time' }),
    charts: Type.Optional(Type.Integer({ description: 'Number of charts in a repository index.' })),
    versions: Type.Optional(Type.Integer({ description: 'Number of chart versions in a repository index.' })),
  },
  { description: 'The last good artifact the source produced; kept when a later fetch fails.' },
);
export type Artifact = Static<typeof Artifact>;

export const HelmRepositorySpec = Type.Object(
  {
    url: Type.String({
      description: 'Repository URL: http(s)://… for an index.yaml repository, oci://host/path for an OCI registry.',
      pattern: '^(https?|oci)://.+$',
    }),
    type: Type.Optional(StringEnum(['default', 'oci'] as const, { description: 'default (index.yaml over HTTP) or oci.', default: 'default' })),
    ...reconcileSpec('10m'),
    timeout: Type.Optional(Duration({ description: 'Timeout of one fetch.', default: '60s' })),
    secretRef: Type.Optional(LocalRef('Secret with keys username and password for basic or registry auth.')),
    certSecretRef: Type.Optional(LocalRef('Secret with ca.crt and optionally tls.crt/tls.key (client certificate).')),
    passCredentials: Type.Optional(Type.Boolean({ description: 'Send credentials to hosts other than the repository\'s own (redirects, absolute chart URLs).', default: false })),
    insecure: Type.Optional(Type.Boolean({ description: 'Plain HTTP to an OCI registry.', default: false })),
  },
  {
    description: 'A Helm chart repository: fetched once per interval and shared by every release that uses it.',
    ...Cel(
      { rule: "!has(self.type) || self.type != 'oci' || self.url.startsWith('oci://')", message: 'type oci needs an oci:// url' },
      { rule: "self.url.startsWith('oci://') == (has(self.type) && self.type == 'oci')", message: 'an oci:// url needs type: oci' },
    ),
  },
);
export type HelmRepositorySpec = Static<typeof HelmRepositorySpec>;

export const HelmRepositoryStatus = Type.Object(
  {
    ...commonStatus,
    artifact: Type.Optional(Artifact),
    url: Type.Optional(Type.String({ description: 'The URL the artifact was fetched from.' })),
  },
  { description: 'Observed state of a HelmRepository.' },
);
export type HelmRepositoryStatus = Static<typeof HelmRepositoryStatus>;

export const GitRepositoryRef = Type.Object(
  {
    branch: Type.Optional(Type.String({ description: 'Branch to follow.' })),
    tag: Type.Optional(Type.String({ description: 'Tag to check out.' })),
    semver: Type.Optional(Type.String({ description: 'Semver range; the highest matching tag is checked out.' })),
    name: Type.Optional(Type.String({ description: 'A full reference name (refs/heads/main, refs/tags/v1.0.0, refs/pull/42/head).', pattern: '^refs/.+' })),
    commit: Type.Optional(Type.String({ description: 'Exact commit SHA.', pattern: '^[0-9a-f]{7,40}$' })),
  },
  {
    description: 'Which revision to check out; branch master when empty.',
    ...Cel({ rule: '[has(self.tag), has(self.semver), has(self.name), has(self.commit)].filter(x, x).size() <= 1', message: 'set at most one of tag, semver, name, commit (a branch may go with a commit)' }),
  },
);

export const GitRepositorySpec = Type.Object(
  {
    url: Type.String({ description: 'Git URL (http, https, ssh, file).', pattern: '^(https?|ssh|file)://.+$' }),
    ref: Type.Optional(GitRepositoryRef),
    ...reconcileSpec('5m'),
    timeout: Type.Optional(Duration({ description: 'Timeout of one fetch.', default: '60s' })),
    secretRef: Type.Optional(LocalRef('Secret with username/password (HTTPS) or identity/known_hosts (SSH).')),
    ignore: Type.Optional(Type.String({ description: '.gitignore-style patterns of files left out of the artifact.' })),
  },
  { description: 'A Git repository at a ref: the source of plain YAML and of charts kept in Git.' },
);
export type GitRepositorySpec = Static<typeof GitRepositorySpec>;

export const GitRepositoryStatus = Type.Object(
  { ...commonStatus, artifact: Type.Optional(Artifact) },
  { description: 'Observed state of a GitRepository.' },
);
export type GitRepositoryStatus = Static<typeof GitRepositoryStatus>;
