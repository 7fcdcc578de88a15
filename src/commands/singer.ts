import { parseOptions } from '../config/config.js';
import { readJsonFile } from '../config/json-file.js';
import { loadSpec } from '../config/spec.js';
import { asConnectorError } from '../errors.js';
import type { AirbyteMessage, AirbyteStream, JsonObject } from '../protocol/messages.js';
import { Redactor } from '../protocol/redactor.js';
import { MessageWriter } from '../protocol/writer.js';
import type { CommandContext } from './context.js';
import { discoverCommand } from './discover.js';
import { stderrWriters, type ProcessIo } from './run.js';
import { readCommand } from './read.js';
import { parseSingerArgs, type SingerArgs } from './singer/args.js';
import { selectedStreams, toAirbyteState, toConfiguredCatalog, toSingerStream } from './singer/catalog.js';

function catalogOf(messages: Iterable<AirbyteMessage>): AirbyteStream[] {
  for (const message of messages) if (message.type === 'CATALOG') return message.catalog.streams;
  return [];
}

async function about(write: (m: JsonObject) => Promise<void>): Promise<void> {
  await write({
    name: 'tap-powerbi',
    description: 'Power BI metadata and lineage through the Scanner API (source-powerbi in Singer mode).',
    capabilities: ['catalog', 'discover', 'state'],
    settings: loadSpec().connectionSpecification,
  });
}

/**
 * Runs the Airbyte read and speaks Singer: SCHEMA per selected stream, RECORD per record, STATE with
 * every stream's bookmark after each Airbyte STATE. Logs and errors go to stderr; a rotated refresh
 * token cannot be handed back in Singer, so it is reported (never printed).
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
  for (const stream of streams) {
    await write({
      type: 'SCHEMA',
      stream: stream.name,
      schema: stream.schema,
      key_properties: stream.keyProperties,
    });
  }
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
          record: message.record.data,
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
        context.progress(
          'WARN Entra issued a new refresh token; Singer cannot store it. Re-authorize or use a service principal before the old one expires.',
        );
        break;
      case 'TRACE': // statuses and estimates have no Singer form; errors end the read and are reported below
      case 'SPEC':
      case 'CATALOG':
      case 'CONNECTION_STATUS':
        break;
    }
  }
}

/** The Singer entry point (tap-powerbi): --about, --discover, or a sync. Returns the exit code. */
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
    if (args.mode === 'about') await about(write);
    else if (args.mode === 'discover') {
      const raw = await readJsonFile(args.config!, '--config');
      await write({ streams: catalogOf(discoverCommand(raw, redactor)).map(toSingerStream) });
    } else {
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
