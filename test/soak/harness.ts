/**
 * Shared by the fault suite (test/e2e/faults*.test.ts), the bad-input suite and the soak: run `read`
 * through the built CLI with a hook on every message, build destination views, find duplicates,
 * classify the TRACE error and search the output for secrets.
 */
import { spawn } from 'node:child_process';
import { expectProtocolLines } from '../helpers/airbyte-protocol.js';
import { writeInputs } from '../helpers/cli.js';
import { applyRecords, currentView, type View } from '../helpers/destination.js';
import { cliPath } from '../helpers/paths.js';
import { latestStates, primaryKeys, type Message } from '../helpers/read-run.js';

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

export function viewOf(...runs: Message[][]): View {
  const tables: View = new Map();
  for (const run of runs) applyRecords(tables, run, primaryKeys);
  return currentView(tables);
}

/** Primary keys emitted more than once by one sync, per stream (empty when none). */
export function duplicateKeys(messages: Message[]): Record<string, string[]> {
  const seen = new Map<string, Set<string>>();
  const duplicates: Record<string, string[]> = {};
  for (const m of messages) {
    if (m.type !== 'RECORD') continue;
    const { stream, data } = m.record as { stream: string; data: Record<string, unknown> };
    const key = JSON.stringify(primaryKeys[stream]!.map(([field]) => data[field!]));
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

/** Tokens look alike whatever issued them: JWT access tokens, the simulator's `1.A…` refresh tokens. */
const TOKEN_PATTERNS = [
  /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/,
  /\b1\.A[A-Za-z0-9_-]{40,}/,
];

/**
 * Where any secret appears in a run's output: the given values raw and URL-encoded, and anything
 * shaped like an access or refresh token. CONTROL messages are left out: they carry the updated
 * config (with the rotated refresh token) to the platform on purpose.
 */
export function findLeaks(output: { stdout: string; stderr: string }, secrets: string[]): string[] {
  const stdout = output.stdout
    .split('\n')
    .filter((line) => !line.startsWith('{"type":"CONTROL"'))
    .join('\n');
  const leaks: string[] = [];
  for (const [name, text] of [
    ['stdout', stdout],
    ['stderr', output.stderr],
  ] as const) {
    for (const secret of secrets.filter((s) => s.length >= 8)) {
      const forms = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
      for (const form of forms) if (text.includes(form)) leaks.push(`${name}: a configured secret`);
      // A PEM key leaks even when only its body lines appear.
      for (const line of secret.split('\n').filter((l) => l.length >= 40 && !l.startsWith('-----')))
        if (text.includes(line)) leaks.push(`${name}: a line of a configured key`);
    }
    for (const pattern of TOKEN_PATTERNS) {
      const match = pattern.exec(text);
      if (match) leaks.push(`${name}: token-shaped text ${match[0].slice(0, 12)}…`);
    }
  }
  return [...new Set(leaks)];
}

/** Every secret-flagged value of a simulator connector config. */
export function configSecrets(config: { credentials: Record<string, string> }): string[] {
  const { client_secret, refresh_token, private_key } = config.credentials;
  return [client_secret, refresh_token, private_key].filter((s): s is string => typeof s === 'string');
}
