// The user's CLI (everything but `capstan controller`): commands, flags and help through yargs,
// with kubectl's global flags (--kubeconfig, --context, -n, -A) and shell completion.
import yargs, { type Argv } from 'yargs';
import { parseDuration } from '../api/duration.ts';
import { KINDS } from '../api/kinds.ts';
import { VERSION } from '../version.ts';
import { UsageError, UserError } from './errors.ts';
import { KIND_CHOICES, kindAndName, kindFromArg } from './kinds.ts';
import { colors, OUTPUT_FORMATS, parseFormat } from './output.ts';
import type { GlobalOptions, Session } from './session.ts';

const out = (s: string): void => { process.stdout.write(s); };

// Commands and the cluster client are loaded when used: `capstan --help` or a typo costs no more
// than yargs itself.
async function openSession(options: GlobalOptions): Promise<Session> {
  return (await import('./session.ts')).openSession(options);
}

interface Globals extends GlobalOptions {
  color: boolean;
}

function timeout(value: string): number {
  try {
    return parseDuration(value);
  } catch {
    throw new UsageError(`--timeout ${value} is not a duration (for example 30s, 5m)`);
  }
}

/** Runs the CLI; resolves with the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  let code = 0;
  const fail = (ok: boolean) => { if (!ok) code = 1; };
  const parser: Argv<Globals> = yargs(argv)
    .scriptName('capstan')
    .usage('$0 <command> [flags]\n\nDrive capstan from the terminal. `capstan controller --help` shows the controller\'s flags.')
    .option('kubeconfig', { type: 'string', describe: 'kubeconfig file (default: KUBECONFIG, ~/.kube/config)', global: true })
    .option('context', { type: 'string', describe: 'kubeconfig context to use', global: true })
    .option('namespace', { alias: 'n', type: 'string', describe: 'namespace (default: the context\'s, else default)', global: true })
    .option('all-namespaces', { alias: 'A', type: 'boolean', describe: 'across all namespaces', global: true })
    .option('color', { type: 'boolean', default: true, describe: 'colour on a terminal (--no-color to disable)', global: true })
    .command('get <kind> [name]', `list objects: ${KIND_CHOICES.join('|')}`, (y) => y
      .positional('kind', { type: 'string', demandOption: true })
      .positional('name', { type: 'string' })
      .option('watch', { alias: 'w', type: 'boolean', default: false, describe: 'print a line for every change' })
      .option('output', { alias: 'o', choices: OUTPUT_FORMATS, default: 'table' }),
    async (a) => {
      const { runGet } = await import('./commands/get.ts');
      await runGet(await openSession(a), { kind: kindFromArg(a.kind), name: a.name, output: parseFormat(a.output), watch: a.watch }, colors(a.color), out);
    })
    .command('reconcile <kind> <name>', 'ask for a reconcile now and wait for its outcome: hr|hrepo|gitrepo|ks', (y) => y
      .positional('kind', { type: 'string', demandOption: true })
      .positional('name', { type: 'string', demandOption: true })
      .option('with-source', { type: 'boolean', default: false, describe: 'reconcile the source first' })
      .option('force', { type: 'boolean', default: false, describe: 'HelmRelease: one forced upgrade (forceAt)' })
      .option('reset', { type: 'boolean', default: false, describe: 'HelmRelease: reset failure counters (resetAt)' })
      .option('timeout', { type: 'string', default: '5m' }),
    async (a) => {
      const { RECONCILABLE, runReconcile } = await import('./commands/reconcile.ts');
      fail(await runReconcile(await openSession(a), {
        kind: kindFromArg(a.kind, RECONCILABLE), name: a.name, withSource: a.withSource, force: a.force, reset: a.reset, timeoutMs: timeout(a.timeout),
      }, colors(a.color)));
    })
    .command(['suspend <kind> [name]', 'resume <kind> [name]'], 'stop or restart reconciling an object (or --all in the namespace)', (y) => y
      .positional('kind', { type: 'string', demandOption: true })
      .positional('name', { type: 'string' })
      .option('all', { type: 'boolean', default: false })
      .option('wait', { type: 'boolean', default: true, describe: 'resume: wait for the reconcile it triggers' })
      .option('timeout', { type: 'string', default: '5m' }),
    async (a) => {
      const suspend = a._[0] === 'suspend';
      const { runSuspend } = await import('./commands/suspend.ts');
      fail(await runSuspend(await openSession(a), {
        kind: kindFromArg(a.kind), name: a.name, all: a.all, suspend, wait: a.wait, timeoutMs: timeout(a.timeout),
      }, colors(a.color)));
    })
    .command('events', 'events of capstan\'s objects, oldest first', (y) => y
      .option('for', { type: 'string', describe: 'only this object, as KIND/NAME (hr/web)' })
      .option('watch', { alias: 'w', type: 'boolean', default: false }),
    async (a) => {
      const { runEvents } = await import('./commands/events.ts');
      await runEvents(await openSession(a), { for: a.for === undefined ? undefined : kindAndName(a.for), watch: a.watch }, colors(a.color), out);
    })
    .command('export <kind> [name]', 'print objects as clean YAML, ready to commit to Git', (y) => y
      .positional('kind', { type: 'string', demandOption: true })
      .positional('name', { type: 'string' })
      .option('all', { type: 'boolean', default: false }),
    async (a) => {
      const { runExport } = await import('./commands/export.ts');
      await runExport(await openSession(a), kindFromArg(a.kind), a.name, a.all, out);
    })
    .command('check', 'check the cluster, the CRDs, the controller, helm and your RBAC', (y) => y
      .option('helm-binary', { type: 'string', default: 'helm' })
      .option('controller-namespace', { type: 'string', default: 'capstan-system' }),
    async (a) => {
      const { runCheck } = await import('./commands/check.ts');
      fail(await runCheck(await openSession(a), { helmBinary: a.helmBinary, controllerNamespace: a.controllerNamespace }, colors(a.color), out));
    })
    .command('diff <kind> <name>', 'preview what applying a HelmRelease would change (exit 0 none, 1 changes, 2 error)', (y) => y
      .positional('kind', { type: 'string', demandOption: true })
      .positional('name', { type: 'string', demandOption: true })
      .option('file', { alias: 'f', type: 'string', describe: 'the new HelmRelease (a YAML file, or - for stdin); default: the live one' })
      .option('helm-binary', { type: 'string', default: 'helm' }),
    async (a) => {
      kindFromArg(a.kind, ['HelmRelease']);
      const { DIFF_EXIT, runDiff } = await import('./commands/diff.ts');
      try {
        code = await runDiff(await openSession(a), { name: a.name, file: a.file, helmBinary: a.helmBinary }, colors(a.color), out);
      } catch (err) {
        // diff(1) exits 1 for "changed": any failure must exit 2 or a script would read it as a change.
        throw err instanceof UserError ? err : new UserError(err instanceof Error ? err.message : String(err), { exitCode: DIFF_EXIT.error, cause: err });
      }
    })
    .command('install', 'install or upgrade the controller and the CRDs in the cluster (idempotent)', (y) => y
      .option('version', { type: 'string', describe: `image tag (default ${VERSION})` })
      .option('values', { type: 'string', describe: 'a YAML file of chart values (deploy/chart/capstan/values.yaml)' })
      .option('export', { type: 'boolean', default: false, describe: 'print the YAML instead of applying it' })
      .option('wait', { type: 'boolean', default: true, describe: 'wait until the controller is available' })
      .option('timeout', { type: 'string', default: '5m' })
      .option('helm-binary', { type: 'string', default: 'helm', describe: 'renders the chart' }),
    async (a) => {
      const { DEFAULT_NAMESPACE, exportInstall, renderInstall, runInstall } = await import('./commands/install.ts');
      const options = {
        namespace: a.namespace ?? DEFAULT_NAMESPACE, version: a.version, values: a.values, helmBinary: a.helmBinary, wait: a.wait, timeoutMs: timeout(a.timeout),
      };
      if (a.export) out(exportInstall(await renderInstall(options)));
      else await runInstall(await openSession(a), options, colors(a.color), out);
    })
    .command('uninstall', 'remove the controller (with --crds --yes also the CRDs and every capstan object; releases stay)', (y) => y
      .option('crds', { type: 'boolean', default: false })
      .option('yes', { type: 'boolean', default: false })
      .option('helm-binary', { type: 'string', default: 'helm', describe: 'renders the chart to know what to delete' }),
    async (a) => {
      const { DEFAULT_NAMESPACE, runUninstall } = await import('./commands/install.ts');
      await runUninstall(await openSession(a), { namespace: a.namespace ?? DEFAULT_NAMESPACE, helmBinary: a.helmBinary, crds: a.crds, yes: a.yes }, colors(a.color), out);
    })
    .command('migrate', 'convert Helm Operator and Flux v2 objects (files or the cluster) to capstan objects', (y) => y
      .option('file', { alias: 'f', type: 'string', describe: 'a file, a directory or - (stdin); default: read the cluster' })
      .option('strict', { type: 'boolean', default: false, describe: 'fail when any field cannot be carried over exactly' }),
    async (a) => {
      const files = a.file === undefined ? [] : [a.file];
      const { runMigrate } = await import('./commands/migrate.ts');
      await runMigrate(files.length > 0 ? undefined : await openSession(a), { files, strict: a.strict }, colors(a.color), out);
    })
    .command('version', 'print the version', () => undefined, () => { out(`capstan ${VERSION}\n`); })
    .completion('completion', 'print a bash/zsh completion script (source <(capstan completion))')
    .demandCommand(1, 'give a command; capstan --help lists them')
    .strict()
    .help()
    .alias('h', 'help')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns))
    .epilog(`Kinds: ${Object.values(KINDS).map((k) => `${k.plural}${k.shortNames.length > 0 ? ` (${k.shortNames.join(', ')})` : ''}`).join(', ')}`)
    // yargs passes no error (despite its types) when the command line itself is wrong.
    .fail((message, err: Error | undefined) => {
      // yargs' own YError (a flag's arguments) is a usage mistake like the rest.
      if (err !== undefined && err.name !== 'YError') throw err;
      throw new UsageError((err?.message ?? message).replace(/\s*\n\s*/g, ' '));
    });
  await parser.parseAsync();
  return code;
}
