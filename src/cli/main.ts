#!/usr/bin/env node
// The `capstan` executable: `capstan controller` runs the controller; the rest is the user's CLI.
import { VERSION } from '../version.ts';
import { CONTROLLER_HELP, runController } from './controller.ts';
import { isUserFacing, UsageError } from './errors.ts';

const HELP = `Usage: capstan <command> [flags]

Commands:
  controller   run the controller (see capstan controller --help)
  version      print the version
`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const wantsHelp = rest.includes('--help') || rest.includes('-h');
  switch (command) {
    case 'controller':
      if (wantsHelp) return void process.stdout.write(CONTROLLER_HELP);
      return runController(rest);
    case 'version':
      return void process.stdout.write(`capstan ${VERSION}\n`);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return void process.stdout.write(HELP);
    default:
      throw new UsageError(`unknown command "${command}"; run capstan --help for the list`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (isUserFacing(err)) {
    process.stderr.write(`capstan: ${err.message}\n`);
    process.exit(err instanceof UsageError ? err.exitCode : 1);
  }
  // parseArgs reports unknown flags with its own error codes: those are typos, not bugs.
  if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`capstan: ${err.message}\n`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
