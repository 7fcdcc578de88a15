/**
 * Runs the BUILT connector (dist/main.js) as a subprocess, exactly as Airbyte would: arguments and
 * JSON files in, protocol messages as JSON lines on stdout, human progress on stderr.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliPath = path.join(repoRoot, 'dist', 'main.js');

export type Message = Record<string, unknown> & { type: string };

export interface ConnectorRun {
  code: number | null;
  /** Every message except RECORDs (those go to onRecord). */
  messages: Message[];
  records: number;
  recordsPerStream: Record<string, number>;
}

export interface ConnectorHooks {
  /** Called for each RECORD, in order. A returned promise pauses reading stdout until it settles. */
  onRecord?: (stream: string, data: Record<string, unknown>) => void | Promise<void>;
  /** Called for each non-RECORD message as it arrives (LOG, TRACE, STATE, ...). */
  onMessage?: (message: Message) => void;
  /** Called for each stderr line of the connector. */
  onStderr?: (line: string) => void;
  /** Wraps the command, e.g. ['/usr/bin/time', '-f', '%M', '-o', file]. */
  prefix?: string[];
  /** Called with the child's pid once spawned. */
  onSpawn?: (pid: number) => void;
  /** Node.js options for the connector process, e.g. ['--cpu-prof']. */
  nodeOptions?: string[];
  /** Count RECORDs per stream without parsing them (the benchmark: keep the reader cheap). */
  countOnly?: boolean;
}

const RECORD_PREFIX = '{"type":"RECORD"';
const STREAM_NAME = /"stream":"([^"]+)"/;

export async function runConnector(args: string[], hooks: ConnectorHooks = {}): Promise<ConnectorRun> {
  const command = [...(hooks.prefix ?? []), process.execPath, ...(hooks.nodeOptions ?? []), cliPath, ...args];
  const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid !== undefined) hooks.onSpawn?.(child.pid);
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const stderr = createInterface({ input: child.stderr });
  stderr.on('line', (line) => hooks.onStderr?.(line));
  const messages: Message[] = [];
  let records = 0;
  const recordsPerStream: Record<string, number> = {};
  for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    if (hooks.countOnly && line.startsWith(RECORD_PREFIX)) {
      const stream = STREAM_NAME.exec(line.slice(0, 100))?.[1] ?? '?';
      recordsPerStream[stream] = (recordsPerStream[stream] ?? 0) + 1;
      records++;
      continue;
    }
    const message = JSON.parse(line) as Message;
    if (message.type === 'RECORD') {
      const record = message.record as { stream: string; data: Record<string, unknown> };
      records++;
      recordsPerStream[record.stream] = (recordsPerStream[record.stream] ?? 0) + 1;
      const pending = hooks.onRecord?.(record.stream, record.data);
      if (pending) await pending;
      continue;
    }
    messages.push(message);
    hooks.onMessage?.(message);
  }
  return { code: await exited, messages, records, recordsPerStream };
}

/** The latest STATE message per stream: what Airbyte passes back with --state on the next sync. */
export function latestStates(messages: Message[]): unknown[] {
  const byStream = new Map<string, unknown>();
  for (const message of messages) {
    if (message.type !== 'STATE') continue;
    const state = message.state as { type?: string; stream?: { stream_descriptor: { name: string } } };
    if (state.stream) byStream.set(state.stream.stream_descriptor.name, state);
  }
  return [...byStream.values()];
}

/** The message of the TRACE error a failed run ends with, if any. */
export function traceError(messages: Message[]): string | undefined {
  const trace = messages.findLast(
    (m) => m.type === 'TRACE' && (m.trace as { type: string }).type === 'ERROR',
  );
  return (trace?.trace as { error?: { message?: string } } | undefined)?.error?.message;
}
