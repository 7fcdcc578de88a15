/**
 * npm run demo: the connector's main job without credentials. Starts the simulator with a demo
 * tenant, runs check, discover, a full and an incremental read through the built CLI, loads the
 * records into DuckDB and writes a lineage picture (docs/demo.md).
 */
import { parseOptions, USAGE } from './demo/options.js';
import { runDemo } from './demo/run-demo.js';
import { formatSummary } from './demo/summary.js';

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const result = await runDemo({ ...options, progress: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(formatSummary(result, process.cwd()));
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
