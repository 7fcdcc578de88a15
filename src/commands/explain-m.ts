import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { parseOptions } from '../config/config.js';
import { readJsonFile } from '../config/json-file.js';
import { explainLine, LineageCache, type LineageOptions } from '../lineage/index.js';
import type { Redactor } from '../protocol/redactor.js';
import { MessageWriter } from '../protocol/writer.js';
import type { SecretRegistry } from '../secrets.js';

/** The lineage settings of a connector config, so explain-m answers as a sync would. */
async function optionsFromConfig(
  configPath: string | undefined,
  secrets: SecretRegistry,
): Promise<LineageOptions> {
  if (configPath === undefined) return {};
  const options = parseOptions(await readJsonFile(configPath, '--config'), secrets);
  return { odbcDsnMap: options.lineage.odbcDsnMap };
}

/**
 * explain-m: "why is this lineage missing?". Reads JSON lines on stdin, each
 * {"id","expression","expressions"?,"tables"?,"dataSources"?,"parameters"?,"options"?,"columns"?}, and
 * writes one JSON line per input with the upstream tables and the diagnostics, and with "columns"
 * (required by --columns) the column lineage of those columns. Not an Airbyte command: its stdout is plain JSON lines,
 * written (and redacted: the config's secrets are registered) by the one MessageWriter.
 */
export async function explainMCommand(
  io: { stdin: Readable; stdout: Writable },
  configPath: string | undefined,
  redactor: Redactor,
  requireColumns = false,
): Promise<void> {
  const defaults = await optionsFromConfig(configPath, redactor);
  const writer = new MessageWriter(io.stdout, redactor);
  const cache = new LineageCache();
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const answer = await explainLine(line, defaults, cache, requireColumns);
    await writer.writeJsonText(answer);
  }
}
