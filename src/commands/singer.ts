import { readJsonFile } from '../config/json-file.js';
import { asConnectorError } from '../errors.js';
import type { AirbyteMessage, AirbyteStream, JsonObject } from '../protocol/messages.js';
import { Redactor } from '../protocol/redactor.js';
import { MessageWriter } from '../protocol/writer.js';
import type { CommandContext } from './context.js';
import { stderrWriters, type ProcessIo } from './run.js';
import { renderAbout, versionLine } from './singer/about.js';
import { parseSingerArgs, SINGER_HELP_TEXT, type SingerArgs } from './singer/args.js';
import {
  selectedRecord,
  selectedSchema,
  selectedStreams,
  toAirbyteState,
  toConfiguredCatalog,
  toSingerStream,
} from './singer/catalog.js';
import { replaceJsonFile } from './singer/config-file.js';

function catalogOf(messages: Iterable<AirbyteMessage>): AirbyteStream[] {
  for (const message of messages) if (message.type === 'CATALOG') return message.catalog.streams;
  return [];
}

/**
 * Runs the Airbyte read and speaks Singer: SCHEMA per selected stream, RECORD per record (without
 * deselected fields), STATE with every stream's bookmark after each Airbyte STATE. Logs and errors go
 * to stderr. A refresh token Entra rotated (an Airbyte CONTROL message) is written back to the config
 * file at once, before the read goes on, as Singer taps with rotating tokens do.
 */
async function sync(
  args: SingerArgs,
  context: CommandContext,
  write: (m: JsonObject) => Promise<void>,
): Promise<void> {
  const catalog = await readJsonFile(args.catalog!, '--catalog');
  const state = args.state === undefined ? undefined : await readJsonFile(args.state, '--state');
  const streams = selectedStreams(catalog);
  const bookmarks: JsonObject = {};
  const byName = new Map(streams.map((stream) => [stream.name, stream]));
  for (const stream of streams) {
    await write({
      type: 'SCHEMA',
      stream: stream.name,
      schema: selectedSchema(stream),
      key_properties: stream.keyProperties,
    });
  }
  const { readCommand } = await import('./read.js');
  const load = async () => ({
    config: await readJsonFile(args.config!, '--config'),
    catalog: toConfiguredCatalog(streams),
    state: toAirbyteState(state),
  });
  for await (const message of readCommand(load, context)) {
    switch (message.type) {
      case 'RECORD':
        await write({
          type: 'RECORD',
          stream: message.record.stream,
          record: selectedRecord(byName.get(message.record.stream)!, message.record.data),
          time_extracted: new Date(message.record.emitted_at).toISOString(),
        });
        break;
      case 'STATE':
        bookmarks[message.state.stream.stream_descriptor.name] = message.state.stream.stream_state ?? {};
        await write({ type: 'STATE', value: { bookmarks: { ...bookmarks } } });
        break;
      case 'LOG':
        context.progress(`${message.log.level} ${message.log.message}`);
        break;
      case 'CONTROL':
        await replaceJsonFile(args.config!, message.control.connectorConfig.config);
        context.progress(`INFO Entra issued a new refresh token; saved it to ${args.config!}.`);
        break;
      case 'TRACE': // statuses and estimates have no Singer form; errors end the read and are reported below
      case 'SPEC':
      case 'CATALOG':
      case 'CONNECTION_STATUS':
        break;
    }
  }
}

function writeText(io: ProcessIo, text: string): Promise<void> {
  return new Promise((resolve, reject) =>
    io.stdout.write(text, (error) => (error ? reject(error) : resolve())),
  );
}

/** The Singer entry point (tap-powerbi): --about, --version, --discover, or a sync. Returns the exit code. */
export async function runSinger(argv: readonly string[], io: ProcessIo): Promise<number> {
  const redactor = io.redactor ?? new Redactor();
  const writer = new MessageWriter(io.stdout, redactor);
  const write = (line: JsonObject) => writer.writeJson(line);
  const context: CommandContext = {
    redactor,
    progress: stderrWriters(io, redactor).progress,
    liveStatus: () => undefined,
    interactive: false,
    ...(io.signal && { signal: io.signal }),
  };
  try {
    const args = parseSingerArgs(argv);
    if (args.mode === 'help') await writeText(io, SINGER_HELP_TEXT);
    else if (args.mode === 'about') await writeText(io, renderAbout(args.format));
    else if (args.mode === 'version') await writeText(io, `${versionLine()}\n`);
    else if (args.mode === 'discover') {
      // Loaded per mode, as runConnector does: --help, --about and --version need neither ajv nor the streams.
      const { discoverCommand } = await import('./discover.js');
      const raw = await readJsonFile(args.config!, '--config');
      await write({ streams: catalogOf(discoverCommand(raw, redactor)).map(toSingerStream) });
    } else {
      const { parseOptions } = await import('../config/config.js');
      parseOptions(await readJsonFile(args.config!, '--config'), redactor);
      await sync(args, context, write);
    }
    return 0;
  } catch (thrown) {
    const error = asConnectorError(thrown);
    const code = error.vendorCode ? ` (${error.vendorCode})` : '';
    context.progress(`CRITICAL ${error.failureType}: ${error.message}${code}`);
    return 1;
  }
}
