/**
 * Runs one build of the connector (its dist/main.js: this checkout's or a baseline's) as Airbyte
 * would, counting RECORD lines per stream without parsing them (the reader must stay cheap) and
 * keeping every other message.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Message } from '../demo/connector.js';

export interface CliRun {
  code: number | null;
  messages: Message[];
  records: number;
  recordsPerStream: Record<string, number>;
}

export interface CliLaunch {
  cliPath: string;
  args: string[];
  /** Wraps the command, e.g. GNU time. */
  prefix?: string[];
  nodeOptions?: string[];
  env?: Record<string, string>;
  onSpawn?: (pid: number) => void;
  onMessage?: (message: Message) => void;
  onStderr?: (line: string) => void;
}

const RECORD_PREFIX = '{"type":"RECORD"';
const STREAM_NAME = /"stream":"([^"]+)"/;

export async function runCli(launch: CliLaunch): Promise<CliRun> {
  const command = [
    ...(launch.prefix ?? []),
    process.execPath,
    ...(launch.nodeOptions ?? []),
    launch.cliPath,
    ...launch.args,
  ];
  const child = spawn(command[0]!, command.slice(1), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...launch.env },
  });
  if (child.pid !== undefined) launch.onSpawn?.(child.pid);
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  createInterface({ input: child.stderr }).on('line', (line) => launch.onStderr?.(line));
  const messages: Message[] = [];
  const recordsPerStream: Record<string, number> = {};
  let records = 0;
  for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
    if (line === '') continue;
    if (line.startsWith(RECORD_PREFIX)) {
      const stream = STREAM_NAME.exec(line.slice(0, 100))?.[1] ?? '?';
      recordsPerStream[stream] = (recordsPerStream[stream] ?? 0) + 1;
      records++;
      continue;
    }
    const message = JSON.parse(line) as Message;
    messages.push(message);
    launch.onMessage?.(message);
  }
  return { code: await exited, messages, records, recordsPerStream };
}
