// The variables of a Kustomization's postBuild: the data of each substituteFrom ConfigMap or
// Secret in list order, then postBuild.substitute, a later value replacing an earlier one (Flux's
// order). Values may be Secret data: they stay in memory and never reach a message or a log.
import type { KustomizationSpec } from '../../api/kustomization.ts';
import { fetchValuesData, ValuesForbiddenError } from '../../helmrelease/values-sources.ts';
import type { KubeClient } from '../../kube/client.ts';
import { SubstituteSourceError } from './errors.ts';
import { VARIABLE_NAME } from './substitute.ts';

/**
 * undefined when there is no postBuild (no substitution at all). `client` reads as the identity the
 * Kustomization acts as (an impersonating client when it has a serviceAccountName).
 */
export async function gatherVariables(client: KubeClient, namespace: string, postBuild: KustomizationSpec['postBuild'], signal?: AbortSignal): Promise<Record<string, string> | undefined> {
  if (postBuild === undefined) return undefined;
  // No prototype: a key named __proto__ is a variable like any other.
  const variables = Object.create(null) as Record<string, string>;
  for (const ref of postBuild.substituteFrom ?? []) {
    signal?.throwIfAborted();
    const what = `postBuild.substituteFrom ${ref.kind} ${namespace}/${ref.name}`;
    let data: Record<string, string> | undefined;
    try {
      data = await fetchValuesData(client, ref.kind, namespace, ref.name);
    } catch (err) {
      if (!(err instanceof ValuesForbiddenError)) throw err;
      const cause = err.cause instanceof Error ? err.cause.message : err.message;
      // The refusal may be of the impersonation itself, not of the read: the fix differs.
      const fix = /cannot impersonate/.test(cause)
        ? 'grant the controller impersonate on that service account (docs/install.md)'
        : `grant get on ${ref.kind === 'Secret' ? 'secrets' : 'configmaps'} in ${namespace} with a Role and RoleBinding`;
      throw new SubstituteSourceError('SubstituteSourceForbidden', `${what} cannot be read: ${cause}; ${fix}`, { cause: err });
    }
    if (data === undefined) {
      if (ref.optional === true) continue;
      throw new SubstituteSourceError('SubstituteSourceNotFound', `${what} does not exist: create it, fix the name, or mark the entry optional: true`);
    }
    addVariables(variables, data, what);
  }
  addVariables(variables, postBuild.substitute ?? {}, 'postBuild.substitute');
  return variables;
}

function addVariables(into: Record<string, string>, from: Record<string, string>, what: string): void {
  for (const [name, value] of Object.entries(from)) {
    if (!VARIABLE_NAME.test(name)) {
      throw new SubstituteSourceError('InvalidVariableName', `${what} has the key ${JSON.stringify(name)}, which is not a variable name (letters, digits and _, not starting with a digit); rename it or move it to another ConfigMap or Secret`);
    }
    into[name] = value;
  }
}
