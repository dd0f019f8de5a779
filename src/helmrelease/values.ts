// A HelmRelease's composed values and their digest, from its spec and the sources it names.
import type { HelmRelease } from '../api/objects.ts';
import { composeValues, type ResolvedSource } from './values/compose.ts';
import { valuesDigest } from './values/digest.ts';
import type { ValuesMap } from './values/value.ts';
import type { ValuesSourceReader } from './values-sources.ts';

export interface ReleaseValues {
  values: ValuesMap;
  digest: string;
}

/** `as`: the HelmRelease's service account, which reads the sources when it has one. */
export async function composeFor(hr: HelmRelease, reader: Pick<ValuesSourceReader, 'read'>, as?: string): Promise<ReleaseValues> {
  const namespace = hr.metadata.namespace ?? 'default';
  const sources = await Promise.all((hr.spec.valuesFrom ?? []).map(async (ref): Promise<ResolvedSource> => {
    const read = await reader.read(namespace, ref, as);
    return {
      kind: ref.kind, namespace, name: ref.name, valuesKey: ref.valuesKey ?? 'values.yaml',
      content: read.content, missing: read.exists ? 'key' : 'object', optional: ref.optional ?? false,
      ...(ref.targetPath !== undefined ? { targetPath: ref.targetPath } : {}),
      ...(ref.literal !== undefined ? { literal: ref.literal } : {}),
    };
  }));
  const { values } = composeValues(sources, hr.spec.values);
  return { values, digest: valuesDigest(values) };
}
