import { spawn } from 'node:child_process';
import { streams } from '../../src/streams/registry.js';
import { expectProtocolLines } from './airbyte-protocol.js';
import { runCli, writeInputs } from './cli.js';
import { cliPath } from './paths.js';

export type Message = Record<string, unknown>;

/** A configured catalog selecting every stream (or the named ones) in the given sync mode. */
export function catalogFor(
  syncMode: 'incremental' | 'full_refresh',
  names?: string[],
): Record<string, unknown> {
  const selected = streams.filter((s) => !names || names.includes(s.name));
  return {
    streams: selected.map((s) => ({
      stream: {
        name: s.name,
        json_schema: s.jsonSchema,
        supported_sync_modes: ['full_refresh', 'incremental'],
      },
      sync_mode: syncMode,
      destination_sync_mode: syncMode === 'incremental' ? 'append_dedup' : 'overwrite',
      ...(syncMode === 'incremental' && { cursor_field: ['scannedAt'] }),
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

/** Runs `read` through the built CLI and checks every stdout line against the protocol schema. */
export async function readOnce(config: unknown, catalog: unknown, state?: unknown): Promise<ReadResult> {
  const inputs = await writeInputs({ config, catalog, ...(state !== undefined && { state }) });
  const args = ['read', '--config', inputs.config!, '--catalog', inputs.catalog!];
  if (inputs.state) args.push('--state', inputs.state);
  const result = await runCli(args);
  return {
    code: result.code,
    messages: expectProtocolLines(result.stdout),
    stderr: result.stderr,
    stdout: result.stdout,
  };
}

/**
 * Starts `read` and kills it (SIGKILL, like a lost container) once `shouldKill` says so for a
 * message; returns the messages emitted up to the kill.
 */
export async function readUntilKilled(
  config: unknown,
  catalog: unknown,
  shouldKill: (message: Message) => boolean,
): Promise<Message[]> {
  const inputs = await writeInputs({ config, catalog });
  const child = spawn(
    process.execPath,
    [cliPath, 'read', '--config', inputs.config!, '--catalog', inputs.catalog!],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const lines: string[] = [];
  let buffer = '';
  let killed = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    for (const line of parts) {
      if (killed) return;
      lines.push(line);
      if (shouldKill(JSON.parse(line) as Message)) {
        killed = true;
        child.kill('SIGKILL');
      }
    }
  });
  await new Promise((resolve) => child.on('close', resolve));
  return expectProtocolLines(lines.join('\n'));
}
