// `capstan migrate`: Helm Operator and Flux v2 objects (from files, a directory, stdin or the
// cluster) → capstan objects as YAML on stdout; every field dropped or changed is reported on
// stderr, and --strict makes any of them an error (nothing is printed).
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { ApiError } from '../../kube/errors.ts';
import type { KubeList } from '../../kube/resource.ts';
import { migrate, SUPPORTED, UnsupportedObjectError, type InputObject } from '../../migrate/migrate.ts';
import { UserError } from '../errors.ts';
import { serialise, type Colors } from '../output.ts';
import type { Session } from '../session.ts';

export interface MigrateOptions {
  files: string[];
  strict: boolean;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function documents(path: string): Promise<InputObject[]> {
  if (path !== '-' && (await stat(path).catch(() => undefined))?.isDirectory()) {
    const names = (await readdir(path)).filter((n) => /\.(ya?ml|json)$/.test(n)).sort();
    return (await Promise.all(names.map((n) => documents(join(path, n))))).flat();
  }
  let text: string;
  try {
    text = path === '-' ? await readStdin() : await readFile(path, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return loadAll(text).filter((d): d is InputObject => typeof d === 'object' && d !== null);
  } catch (err) {
    throw new UserError(`${path} is not YAML: ${err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err)}`);
  }
}

/** Every supported object in the namespace (or all with -A); a kind whose CRD is absent is skipped. */
async function fromCluster(session: Session): Promise<InputObject[]> {
  const objects: InputObject[] = [];
  const seen = new Set<string>();
  for (const entry of SUPPORTED) {
    const [apiVersion = '', kind = ''] = entry.split(' ');
    const plural = `${kind.toLowerCase()}s`.replace(/ys$/, 'ies');
    // The newest served version of each group and kind is enough: the API server converts.
    if (seen.has(`${apiVersion.split('/')[0] ?? ''}/${kind}`)) continue;
    const path = `/apis/${apiVersion}${session.scope === undefined ? '' : `/namespaces/${session.scope}`}/${plural}`;
    try {
      const list = await session.client.request<KubeList<InputObject>>('GET', path);
      objects.push(...(list.items ?? []).map((o) => ({ ...o, apiVersion, kind })));
      seen.add(`${apiVersion.split('/')[0] ?? ''}/${kind}`);
    } catch (err) {
      if (!(err instanceof ApiError && err.statusCode === 404)) throw err;
    }
  }
  return objects;
}

export async function runMigrate(session: Session | undefined, options: MigrateOptions, c: Colors, out: (s: string) => void): Promise<boolean> {
  const inputs = options.files.length > 0 ? (await Promise.all(options.files.map(documents))).flat() : await fromCluster(session as Session);
  if (inputs.length === 0) throw new UserError(`nothing to migrate: no ${SUPPORTED.join(', ')} found`);
  let result;
  try {
    result = migrate(inputs);
  } catch (err) {
    if (err instanceof UnsupportedObjectError) throw new UserError(err.message);
    throw err;
  }
  const report = result.findings.format();
  if (report !== '') process.stderr.write(`${c.yellow('!')} not carried over exactly:\n${report}`);
  if (options.strict && result.findings.list.length > 0) {
    throw new UserError(`--strict: ${String(result.findings.list.length)} field(s) cannot be carried over exactly (listed above); nothing was written`);
  }
  out(result.objects.map((o) => `---\n${serialise(o, 'yaml')}`).join(''));
  process.stderr.write(`${c.green('✔')} ${String(result.objects.length)} capstan object(s) from ${String(inputs.length)} input object(s)\n`);
  return true;
}
