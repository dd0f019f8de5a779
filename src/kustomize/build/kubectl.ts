// Runs `kubectl kustomize` on a folder of an extracted artifact: kustomize as the toolchain's
// kubectl embeds it, with its default root-only load restrictor, no plugins, no helm. The process
// gets only a short list of variables (no kubeconfig: building needs no cluster), is killed when
// the reconcile is aborted or takes longer than the deadline, and its error names paths relative
// to the repository, never the temporary folder the artifact was extracted to.
import { execa } from 'execa';
import { passThrough } from '../../process/environment.ts';
import { BuildError } from './errors.ts';

const PASSED_THROUGH = ['PATH', 'HOME', 'TMPDIR'];
const DEADLINE_MS = 5 * 60 * 1000;
const KILL_GRACE_MS = 5000;
const MAX_MESSAGE = 2000;

export interface KustomizeRun {
  kubectl: string;
  /** Root of the extracted artifact: stripped from kustomize's messages. */
  root: string;
  /** Absolute folder holding the kustomization file. */
  dir: string;
  /** The kustomization file, relative to root, for messages. */
  file: string;
  signal?: AbortSignal;
}

/** The YAML stream kustomize builds; a BuildError naming the kustomization when it fails. */
export async function kustomizeBuild(run: KustomizeRun): Promise<string> {
  const env = passThrough(PASSED_THROUGH);
  const result = await execa(run.kubectl, ['kustomize', run.dir], {
    env,
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
    timeout: DEADLINE_MS,
    forceKillAfterDelay: KILL_GRACE_MS,
    ...(run.signal ? { cancelSignal: run.signal } : {}),
    stripFinalNewline: false,
  });
  if (result.exitCode === 0) return result.stdout;
  if (run.signal?.aborted === true) throw run.signal.reason;
  if (result.timedOut) {
    throw new BuildError('BuildFailed', `kustomize build of ${run.file} did not finish within ${String(DEADLINE_MS / 1000)}s; simplify the kustomization`);
  }
  if (result.exitCode === undefined) {
    throw new BuildError('BuildFailed', `kustomize build of ${run.file} could not start ${run.kubectl} (${result.originalMessage ?? result.code ?? 'unknown error'}); install kubectl or set --kubectl-binary`);
  }
  throw new BuildError('BuildFailed', `kustomize build of ${run.file} failed: ${kustomizeMessage(result.stderr, run.root)}; fix the kustomization`);
}

/** kustomize's error on one line, without kubectl's `error: ` prefix, the artifact folder, or an unbounded length. */
export function kustomizeMessage(stderr: string, root: string): string {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  const text = stderr.trim().replace(/^error: /, '').split(prefix).join('').split(root).join('.').replace(/\s*\n\s*/g, ' ');
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}
