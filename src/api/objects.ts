// The capstan objects as the API server returns them: metadata + typed spec + typed status.
import type { KubeObject } from '../kube/resource.ts';
import type { HelmReleaseSpec, HelmReleaseStatus } from './helmrelease.ts';
import type { KustomizationSpec, KustomizationStatus } from './kustomization.ts';
import type { GitRepositorySpec, GitRepositoryStatus, HelmRepositorySpec, HelmRepositoryStatus } from './source.ts';

export interface HelmRepository extends KubeObject {
  spec: HelmRepositorySpec;
  status?: HelmRepositoryStatus;
}

export interface GitRepository extends KubeObject {
  spec: GitRepositorySpec;
  status?: GitRepositoryStatus;
}

export interface HelmRelease extends KubeObject {
  spec: HelmReleaseSpec;
  status?: HelmReleaseStatus;
}

export interface Kustomization extends KubeObject {
  spec: KustomizationSpec;
  status?: KustomizationStatus;
}

/** Annotations a user sets to ask for work (same meaning as Flux's reconcile.fluxcd.io/*). */
export const ANNOTATIONS = {
  requestedAt: 'reconcile.capstan.dev/requestedAt',
  forceAt: 'reconcile.capstan.dev/forceAt',
  resetAt: 'reconcile.capstan.dev/resetAt',
} as const;
