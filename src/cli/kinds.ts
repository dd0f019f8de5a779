// The names a user may type for a kind, as kubectl accepts them: plural, singular, short name or
// kind, in any case (`hr`, `helmrelease`, `HelmReleases`).
import { KINDS, type KindName } from '../api/kinds.ts';
import { UsageError } from './errors.ts';

const NAMES = new Map<string, KindName>();
for (const [kind, info] of Object.entries(KINDS) as [KindName, (typeof KINDS)[KindName]][]) {
  for (const name of [info.kind, info.plural, info.singular, ...info.shortNames]) NAMES.set(name.toLowerCase(), kind);
}

/** What `capstan get` lists under each kind, in the order `--help` shows them. */
export const KIND_CHOICES = ['hr', 'hrepo', 'gitrepo', 'ks', 'alerts', 'providers', 'receivers'] as const;

export function kindFromArg(arg: string, allowed: readonly KindName[] = Object.keys(KINDS) as KindName[]): KindName {
  const kind = NAMES.get(arg.toLowerCase());
  if (kind === undefined || !allowed.includes(kind)) {
    const choices = allowed.map((k) => KINDS[k].shortNames[0] ?? KINDS[k].plural).join(', ');
    throw new UsageError(`unknown kind "${arg}": use one of ${choices}`);
  }
  return kind;
}

/** `hr/web`, `HelmRelease/web` → kind and name. */
export function kindAndName(arg: string, allowed?: readonly KindName[]): { kind: KindName; name: string } {
  const slash = arg.indexOf('/');
  if (slash <= 0 || slash === arg.length - 1) throw new UsageError(`"${arg}" is not KIND/NAME (for example hr/web)`);
  return { kind: kindFromArg(arg.slice(0, slash), allowed), name: arg.slice(slash + 1) };
}
