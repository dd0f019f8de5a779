#!/usr/bin/env node
// The `capstan` executable: `capstan controller` runs the controller; the rest is the user's CLI.
// Each side is loaded only when used, so the controller never carries the CLI's libraries.
import { setFlagsFromString } from 'node:v8';
import { isUserFacing, UsageError, UserError } from './errors.ts';

// `capstan get hr -A | head` closes stdout early: that ends the output, it is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'controller') {
    // Before the controller's modules load: without it V8 lets the idle controller's heap grow to
    // several times its live size (docs/benchmarks.md, bench/idle-rss.ts).
    setFlagsFromString('--optimize-for-size');
    const { CONTROLLER_HELP, runController } = await import('./controller.ts');
    if (argv.includes('--help') || argv.includes('-h')) process.stdout.write(CONTROLLER_HELP);
    else await runController(argv.slice(1));
    return 0;
  }
  const { runCli } = await import('./app.ts');
  return runCli(argv);
}

// Exits once stdout is flushed: a watch's pooled connection must not keep a finished command alive.
main(process.argv.slice(2)).then((code) => { process.stdout.write('', () => process.exit(code)); }, (err: unknown) => {
  if (isUserFacing(err)) {
    process.stderr.write(`capstan: ${err.message}\n`);
    process.exit(err instanceof UsageError || err instanceof UserError ? err.exitCode : 1);
  }
  // No cluster behind the kubeconfig is a setup problem, not a bug: no stack trace.
  if (err instanceof Error && err.name === 'ApiUnreachableError') {
    process.stderr.write(`capstan: cannot reach the Kubernetes API server (${err.message}): check --kubeconfig and --context, and that the cluster is running\n`);
    process.exit(1);
  }
  // The API server's own refusal (RBAC, a kind it does not serve): its words, and where to look.
  if (err instanceof Error && err.name === 'ApiError') {
    const status = (err as Error & { statusCode?: number }).statusCode;
    const hint = status === 404 ? ': are capstan\'s CRDs installed? (capstan check)' : status === 403 ? ': ask for a role that allows it (capstan check lists what the CLI needs)' : '';
    process.stderr.write(`capstan: the API server answered ${String(status)}: ${err.message.trim()}${hint}\n`);
    process.exit(1);
  }
  // parseArgs reports unknown flags with its own error codes: those are typos, not bugs.
  if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`capstan: ${err.message}\n`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
