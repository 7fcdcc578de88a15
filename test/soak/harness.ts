/**
 * Shared by the fault suite (test/e2e/faults*.test.ts), the bad-input suite and the soak: run `read`
 * through the built CLI with a hook on every message, build destination views, find duplicates,
 * classify the TRACE error and search the output for secrets.
 */
import { spawn } from 'node:child_process';
import { expectProtocolLines } from '../helpers/airbyte-protocol.js';
import { writeInputs } from '../helpers/cli.js';
import { applyRecords, currentView, type Row, type View } from '../helpers/destination.js';
import { cliPath } from '../helpers/paths.js';
import { apiStreams, scanStreams } from '../../src/streams/registry.js';
import { catalogFor, latestStates, primaryKeys, type Message } from '../helpers/read-run.js';

export interface RunOutput {
  code: number | null;
  messages: Message[];
  stdout: string;
  stderr: string;
}

/**
 * Runs `read` (or any command given in `args`) through the built CLI; `onMessage` sees every stdout
 * message as it arrives (to act mid-run, e.g. revoke tokens after the first STATE).
 */
export async function runRead(
  config: unknown,
  catalog: unknown,
  state?: unknown,
  onMessage?: (message: Message) => void,
  timeoutMs = 150_000,
): Promise<RunOutput> {
  const inputs = await writeInputs({ config, catalog, ...(state !== undefined && { state }) });
  const args = ['read', '--config', inputs.config!, '--catalog', inputs.catalog!];
  if (inputs.state) args.push('--state', inputs.state);
  return runArgs(args, onMessage, timeoutMs);
}

export function runArgs(
  args: string[],
  onMessage?: (message: Message) => void,
  timeoutMs = 150_000,
): Promise<RunOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (!onMessage || line.length === 0) continue;
        try {
          onMessage(JSON.parse(line) as Message);
        } catch {
          // Not JSON: expectProtocolLines reports it below.
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      try {
        resolve({ code, messages: expectProtocolLines(stdout), stdout, stderr });
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

/** Primary keys of every registered stream, the api streams (activity_events, refresh_history, apps) included. */
export const allPrimaryKeys: Record<string, string[][]> = primaryKeys;

const USAGE_STREAMS = new Set(apiStreams.map((s) => s.name));

function streamOf(message: Message): string | undefined {
  return message.type === 'RECORD' ? (message.record as { stream: string }).stream : undefined;
}

/** A configured catalog of every scan stream and the named api streams (default: all of them). */
export function catalogWithUsage(
  syncMode: 'incremental' | 'full_refresh',
  usage: readonly string[] = [...USAGE_STREAMS],
): Record<string, unknown> {
  return catalogFor(syncMode, [...scanStreams.map((s) => s.name), ...usage]);
}

/**
 * What a destination holds after these runs (Append + Deduped): scan streams by the deletion rule
 * of test/helpers/destination.ts; usage streams, which are not tied to a workspace's scan, latest
 * row per primary key.
 */
export function viewOf(...runs: Message[][]): View {
  const tables: View = new Map();
  const usage: View = new Map();
  for (const run of runs) {
    applyRecords(
      tables,
      run.filter((m) => !USAGE_STREAMS.has(streamOf(m) ?? '')),
      primaryKeys,
    );
    for (const m of run) {
      const stream = streamOf(m);
      if (stream === undefined || !USAGE_STREAMS.has(stream)) continue;
      const data = (m.record as { data: Row }).data;
      const table = usage.get(stream) ?? new Map<string, Row>();
      usage.set(stream, table);
      table.set(JSON.stringify(allPrimaryKeys[stream]!.map(([field]) => data[field!])), data);
    }
  }
  const view = currentView(tables);
  for (const [stream, table] of usage) view.set(stream, table);
  return view;
}

/** Primary keys emitted more than once by one sync, per stream (empty when none). */
export function duplicateKeys(messages: Message[]): Record<string, string[]> {
  const seen = new Map<string, Set<string>>();
  const duplicates: Record<string, string[]> = {};
  for (const m of messages) {
    if (m.type !== 'RECORD') continue;
    const { stream, data } = m.record as { stream: string; data: Record<string, unknown> };
    const key = JSON.stringify(allPrimaryKeys[stream]!.map(([field]) => data[field!]));
    const keys = seen.get(stream) ?? new Set<string>();
    seen.set(stream, keys);
    if (keys.has(key)) (duplicates[stream] ??= []).push(key);
    keys.add(key);
  }
  return duplicates;
}

export interface TraceError {
  message: string;
  failure_type: string;
  internal_message?: string;
  stack_trace?: string;
}

export function traceErrors(messages: Message[]): TraceError[] {
  return messages
    .filter((m) => m.type === 'TRACE' && (m.trace as { type: string }).type === 'ERROR')
    .map((m) => (m.trace as { error: TraceError }).error);
}

export function recordCount(messages: Message[]): number {
  return messages.filter((m) => m.type === 'RECORD').length;
}

export function logText(messages: Message[]): string {
  return messages
    .filter((m) => m.type === 'LOG')
    .map((m) => (m.log as { message: string }).message)
    .join('\n');
}

/** The stream states to pass back with --state after this run (the last one per stream). */
export { latestStates };

export { configSecrets, findLeaks } from './leaks.js';
