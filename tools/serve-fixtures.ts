// Serves the packaged fixture charts (.fixtures/repo) on a free loopback port for `make demo`;
// prints the repository URL on stdout and runs until stopped.
import { startChartServer } from '../test/support/chart-server.ts';

const server = await startChartServer();
process.stdout.write(`${server.url}\n`);
const stop = () => { void server.close().then(() => process.exit(0)); };
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
