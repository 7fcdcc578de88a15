import { spawn } from 'node:child_process';
import { scanStreams, streams } from '../../src/streams/registry.js';
import { expectProtocolLines } from './airbyte-protocol.js';
import { runCli, writeInputs } from './cli.js';
import { cliPath } from './paths.js';

export type Message = Record<string, unknown>;

/**
 * A configured catalog selecting the named registered streams (by default every scan stream: api
 * streams such as activity_events need the config to enable them) in the given sync mode.
 */
export function catalogFor(
  syncMode: 'incremental' | 'full_refresh',
  names: readonly string[] = scanStreams.map((s) => s.name),
): Record<string, unknown> {
  const selected = streams.filter((s) => names.includes(s.name));
  return {
    streams: selected.map((s) => ({
      stream: {
        name: s.name,
        json_schema: s.jsonSchema,
        supported_sync_modes: ['full_refresh', 'incremental'],
      },
      sync_mode: syncMode,
      destination_sync_mode: syncMode === 'incremental' ? 'append_dedup' : 'overwrite',
      ...(syncMode === 'incremental' && { cursor_field: s.cursorField }),
      primary_key: s.primaryKey,
    })),
  };
}

export const primaryKeys = Object.fromEntries(streams.map((s) => [s.name, s.primaryKey]));

/** The latest STATE message per stream, as Airbyte would pass them back with --state. */
export function latestStates(messages: Message[]): Message[] {
  const byStream = new Map<string, Message>();
  for (const m of messages) {
    if (m.type !== 'STATE') continue;
    const state = m.state as { stream: { stream_descriptor: { name: string } } };
    byStream.set(state.stream.stream_descriptor.name, state);
  }
  return [...byStream.values()];
}

export interface ReadResult {
  code: number | null;
  messages: Message[];
  stderr: string;
  stdout: string;
}

/**
 * Runs `read` through the built CLI and checks every stdout line against the protocol schema.
 * `env` is added to the subprocess's environment (e.g. NODE_OPTIONS for a probe).
 */
export async function readOnce(
  config: unknown,
  catalog: unknown,
  state?: unknown,
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<ReadResult> {
  const inputs = await writeInputs({ config, catalog, ...(state !== undefined && { state }) });
  const args = ['read', '--config', inputs.config!, '--catalog', inputs.catalog!];
  if (inputs.state) args.push('--state', inputs.state);
  const result = await runCli(args, options.env ? { env: options.env } : {});
  return {
    code: result.code,
    messages: expectProtocolLines(result.stdout),
    stderr: result.stderr,
    stdout: result.stdout,
  };
}

/**
 * Starts `read` and sends it `signal` once `shouldKill` says so for a message. With SIGKILL (a lost
 * container) the messages up to the kill are returned; with SIGTERM everything the connector still
 * writes while stopping is kept too.
 */
export async function readUntilKilled(
  config: unknown,
  catalog: unknown,
  shouldKill: (message: Message) => boolean,
  signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL',
): Promise<Message[]> {
  return (await readWithSignal(config, catalog, shouldKill, signal)).messages;
}

export async function readWithSignal(
  config: unknown,
  catalog: unknown,
  shouldKill: (message: Message) => boolean,
  signal: 'SIGKILL' | 'SIGTERM',
): Promise<{ messages: Message[]; code: number | null; stderr: string }> {
  const inputs = await writeInputs({ config, catalog });
  const child = spawn(
    process.execPath,
    [cliPath, 'read', '--config', inputs.config!, '--catalog', inputs.catalog!],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  let buffer = '';
  let stderr = '';
  let signalled = false;
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    for (const line of parts) {
      if (signalled && signal === 'SIGKILL') return;
      lines.push(line);
      if (!signalled && shouldKill(JSON.parse(line) as Message)) {
        signalled = true;
        child.kill(signal);
      }
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (buffer.length > 0 && signal !== 'SIGKILL') lines.push(buffer);
  return { messages: expectProtocolLines(lines.join('\n')), code, stderr };
}
