// Which helm a binary is. Flags differ between helm 3 and 4 (see flags.ts), so every command needs
// the major version; it is asked once per binary path and cached for the life of the process.
import { HelmUnsupportedError } from './errors.ts';
import { helmEnv, runHelm } from './process.ts';

export type HelmMajor = 3 | 4;

export interface HelmVersion {
  major: HelmMajor;
  minor: number;
  patch: number;
  /** As helm prints it, e.g. v3.17.3. */
  version: string;
  /** The Go toolchain helm was built with, e.g. go1.23.7. */
  goVersion: string;
}

const VERSION = /^v(\d+)\.(\d+)\.(\d+)\S* (go\S+)$/;

/** Reads `helm version --template '{{.Version}} {{.GoVersion}}'`. */
export function parseHelmVersion(text: string, binary = 'helm'): HelmVersion {
  const m = VERSION.exec(text.trim());
  const major = Number(m?.[1]);
  if (!m || (major !== 3 && major !== 4)) {
    throw new HelmUnsupportedError(`${binary} reports version ${JSON.stringify(text.trim())}; capstan runs helm 3 or helm 4`, { action: 'version', stderr: '' });
  }
  return { major, minor: Number(m[2]), patch: Number(m[3]), version: text.trim().split(' ')[0] ?? '', goVersion: m[4] ?? '' };
}

const cache = new Map<string, Promise<HelmVersion>>();

/** The version of the helm at `binary`, asked once per path (a failed attempt is not cached). */
export function helmVersion(binary: string, home: string): Promise<HelmVersion> {
  let version = cache.get(binary);
  if (version === undefined) {
    version = runHelm({
      binary,
      action: 'version',
      args: ['version', '--template', '{{.Version}} {{.GoVersion}}'],
      env: helmEnv(home),
      deadlineMs: 30_000,
      killGraceMs: 1_000,
    }).then((out) => parseHelmVersion(out.stdout, binary));
    cache.set(binary, version);
    void version.catch(() => cache.delete(binary));
  }
  return version;
}
