/**
 * Regenerates integration_tests/configured_catalog.json, configured_catalog_incremental.json (the
 * workspaces stream only: see acceptance-test-config.yml) and expected_records.jsonl from the built
 * CLI against the acceptance simulator tenant. Run after a deliberate change of streams or schemas:
 *   npm run build && npx tsx test/helpers/packaging-regenerate.ts
 * then review the diff: the acceptance replay compares the connector with these files.
 */
import { writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import path from 'node:path';
import { startSimulator } from '../../simulator/index.js';
import { runCli, writeInputs } from './cli.js';
import {
  ACCEPTANCE_TENANT,
  FAST_POLLING,
  TIME_DEPENDENT_STREAMS,
  integrationDir,
  stableRecord,
} from './packaging-acceptance.js';

interface DiscoveredStream {
  name: string;
  source_defined_primary_key?: string[][];
  default_cursor_field?: string[];
}

/** The configured catalog CAT expects: every discovered stream, incremental, deduplicated downstream. */
export function configuredCatalogFrom(streams: DiscoveredStream[]): {
  streams: { stream: DiscoveredStream }[];
} {
  return {
    streams: streams.map((stream) => ({
      stream,
      sync_mode: 'incremental',
      destination_sync_mode: 'append_dedup',
      cursor_field: stream.default_cursor_field ?? [],
      primary_key: stream.source_defined_primary_key ?? [],
    })),
  };
}

function linesOf(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function main(): Promise<void> {
  const sim = await startSimulator(ACCEPTANCE_TENANT);
  try {
    const inputs = await writeInputs({ config: { ...sim.config, ...FAST_POLLING } });
    const discovered = linesOf((await runCli(['discover', '--config', inputs.config!])).stdout).find(
      (m) => m.type === 'CATALOG',
    ) as { catalog: { streams: DiscoveredStream[] } } | undefined;
    if (!discovered) throw new Error('discover printed no CATALOG');
    const catalog = configuredCatalogFrom(discovered.catalog.streams);
    writeFileSync(
      path.join(integrationDir, 'configured_catalog.json'),
      `${JSON.stringify(catalog, null, 2)}\n`,
    );

    // Not prettier-ignored like configured_catalog.json: written in prettier's layout.
    const incremental = { streams: catalog.streams.filter((s) => s.stream.name === 'workspaces') };
    const incrementalPath = path.join(integrationDir, 'configured_catalog_incremental.json');
    const prettierOptions = (await resolveConfig(incrementalPath)) ?? {};
    writeFileSync(
      incrementalPath,
      await format(JSON.stringify(incremental, null, 2), { ...prettierOptions, filepath: incrementalPath }),
    );

    const readInputs = await writeInputs({ config: { ...sim.config, ...FAST_POLLING }, catalog });
    const read = await runCli(['read', '--config', readInputs.config!, '--catalog', readInputs.catalog!]);
    if (read.code !== 0) throw new Error(`read exited with ${String(read.code)}: ${read.stderr}`);
    const skip = new Set<string>(TIME_DEPENDENT_STREAMS);
    const records = linesOf(read.stdout)
      .filter((m) => m.type === 'RECORD')
      .map((m) => m.record as { stream: string; data: Record<string, unknown> })
      .filter((r) => !skip.has(r.stream))
      .map((r) => JSON.stringify(stableRecord(r.stream, r.data)));
    writeFileSync(path.join(integrationDir, 'expected_records.jsonl'), `${records.join('\n')}\n`);
    console.log(
      `configured_catalog.json: ${catalog.streams.length} streams; expected_records.jsonl: ${records.length} records`,
    );
  } finally {
    await sim.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]).endsWith('packaging-regenerate.ts')) {
  await main();
}
