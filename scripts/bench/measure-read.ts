/**
 * One `read` of the built CLI, measured: wall time, records, the connector process's peak RSS and
 * CPU time (GNU time when present, else sampled /proc VmHWM), and the API calls it caused.
 */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { runConnector, traceError, type Message } from '../demo/connector.js';
import type { SimulatorProcess } from './simulator-process.js';

const GNU_TIME = '/usr/bin/time';

export interface ReadMeasure {
  wallSeconds: number;
  records: number;
  recordsPerStream: Record<string, number>;
  peakRssMb: number | undefined;
  cpuSeconds: number | undefined;
  /** Power BI API calls per endpoint (token requests listed as `token`). */
  calls: Record<string, number>;
  peakScansInFlight: number;
  throttled: number;
  messages: Message[];
}

function delta(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const d = value - (before[key] ?? 0);
    if (d > 0) out[key] = d;
  }
  return out;
}

async function vmHwmKb(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
  } catch {
    return undefined;
  }
}

export async function measureRead(
  sim: SimulatorProcess,
  args: string[],
  workDir: string,
  progress: (line: string) => void,
  nodeOptions: string[] = [],
): Promise<ReadMeasure> {
  const timeFile = path.join(workDir, 'time.txt');
  const useTime = existsSync(GNU_TIME);
  const before = await sim.stats();
  let sampledKb = 0;
  let sampler: NodeJS.Timeout | undefined;
  const started = process.hrtime.bigint();
  const run = await runConnector(['read', ...args], {
    countOnly: true,
    nodeOptions,
    ...(useTime && { prefix: [GNU_TIME, '-f', '%M %U %S', '-o', timeFile] }),
    onSpawn: (pid) => {
      if (useTime) return;
      sampler = setInterval(() => {
        void vmHwmKb(pid).then((kb) => (sampledKb = Math.max(sampledKb, kb ?? 0)));
      }, 100);
    },
    onMessage: (m) => {
      if (m.type === 'LOG') progress(`  │ ${(m.log as { message: string }).message}`);
    },
    onStderr: (line) => progress(`  │ ${line}`),
  });
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (sampler) clearInterval(sampler);
  if (run.code !== 0)
    throw new Error(`read failed: ${traceError(run.messages) ?? `exit ${String(run.code)}`}`);
  const after = await sim.stats();
  let peakRssMb: number | undefined = sampledKb ? sampledKb / 1024 : undefined;
  let cpuSeconds: number | undefined;
  if (useTime) {
    const [maxKb, user, system] = (await readFile(timeFile, 'utf8'))
      .trim()
      .split(/\s+/)
      .slice(-3)
      .map(Number);
    peakRssMb = maxKb! / 1024;
    cpuSeconds = user! + system!;
    await rm(timeFile, { force: true });
  }
  return {
    wallSeconds,
    records: run.records,
    recordsPerStream: run.recordsPerStream,
    peakRssMb,
    cpuSeconds,
    calls: delta(after.requests, before.requests),
    peakScansInFlight: after.peakScansInFlight,
    throttled: Object.values(delta(after.throttled, before.throttled)).reduce((a, b) => a + b, 0),
    messages: run.messages,
  };
}
