/**
 * The simulator in its own process (npm run simulator), driven over its control endpoints, so the
 * work of generating and serving ~100 MB of scan results does not share a thread with the
 * benchmark's reading of the connector's stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { repoRoot } from '../demo/connector.js';
import { fetchJson } from './https.js';

export interface SimulatorStats {
  requests: Record<string, number>;
  throttled: Record<string, number>;
  peakScansInFlight: number;
}

export interface MutationSummary {
  changed: unknown[];
  deletedWorkspaces: string[];
  addedWorkspaces: string[];
}

export interface SimulatorProcess {
  url: string;
  caCertificate: string;
  config: Record<string, unknown> & { credentials: Record<string, string> };
  stats(): Promise<SimulatorStats>;
  mutate(request: { workspaces: number; seed: number }): Promise<MutationSummary>;
  /** Moves the simulated clock on (hourly budgets, scan progress and modified times follow it). */
  advanceClock(ms: number): Promise<void>;
  close(): Promise<void>;
}

export interface SimulatorProcessOptions {
  seed: number;
  workspaces: number;
  scanMs: number;
  latencyMs: number;
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      lines.close();
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${String(code)} before starting`)));
  });
}

export async function startSimulatorProcess(options: SimulatorProcessOptions): Promise<SimulatorProcess> {
  const args = ['--import', 'tsx', 'simulator/cli.ts', '--port', '0'];
  args.push('--seed', String(options.seed), '--workspaces', String(options.workspaces));
  args.push('--scan-ms', String(options.scanMs), '--latency-ms', String(options.latencyMs));
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  const started = JSON.parse(await firstLine(child)) as Pick<
    SimulatorProcess,
    'url' | 'caCertificate' | 'config'
  >;
  const control = (path: string) => `${started.url}/__simulator/${path}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    ...started,
    stats: () => fetchJson<SimulatorStats>(control('stats'), started.caCertificate),
    mutate: (request) =>
      fetchJson<MutationSummary>(control('mutate'), started.caCertificate, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
      }),
    advanceClock: async (ms) => {
      await fetchJson(control('clock'), started.caCertificate, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advanceMs: ms }),
      });
    },
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
