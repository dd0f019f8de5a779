// Where the test harness finds the project's tools, fixtures and cluster.
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const TOOLS_BIN = join(ROOT, '.tools', 'bin');
export const CLUSTER_DIR = process.env.CLUSTER_DIR ?? join(ROOT, '.cluster');
export const KUBECONFIG = join(CLUSTER_DIR, 'kubeconfig');
export const FIXTURES_REPO = join(ROOT, '.fixtures', 'repo');
export const CRDS_DIR = join(ROOT, 'crds');

export const HELM_MAJORS = [
  { name: 'helm 3', binary: join(TOOLS_BIN, 'helm3') },
  { name: 'helm 4', binary: join(TOOLS_BIN, 'helm4') },
] as const;
export type HelmMajor = (typeof HELM_MAJORS)[number];
