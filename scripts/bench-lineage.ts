/**
 * Lineage throughput: expressions per second through extractMLineage for
 *   (a) the peer corpus expressions (../shared/corpora, read at run time) repeated to COUNT, and
 *   (b) COUNT table expressions of the simulator's generated tenant (with their dataset expressions),
 * each cold (a fresh cache per expression: every text really parsed) and with one cache for the run
 * (what a sync does); then (b) again through the worker pool a read uses, dataset by dataset, with
 * 1..THREADS worker threads (needs `npm run build`: workers run the compiled dist/lineage/runtime/worker-entry.js).
 *   npm run bench:lineage [-- --count 10000 --seed 42 --threads 2]
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startSimulator } from '../simulator/index.js';
import {
  extractMLineage,
  LineageCache,
  LineageWorkerPool,
  type MExpressionInput,
} from '../src/lineage/index.js';
import { loadCorpus } from './conformance-m.js';

interface BenchArgs {
  count: number;
  seed: number;
  threads: number;
}

function argsOf(argv: readonly string[]): BenchArgs {
  const value = (flag: string, fallback: number): number => {
    const at = argv.indexOf(flag);
    const parsed = at >= 0 ? Number(argv[at + 1]) : fallback;
    if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`${flag} needs a positive integer`);
    return parsed;
  };
  return { count: value('--count', 10_000), seed: value('--seed', 42), threads: value('--threads', 2) };
}

function corpusInputs(count: number): MExpressionInput[] | undefined {
  const cases = loadCorpus()?.filter((item) => item.kind === 'upstream_tables');
  if (cases === undefined || cases.length === 0) return undefined;
  return Array.from({ length: count }, (_, index) => {
    const item = cases[index % cases.length];
    return {
      expression: item?.expression ?? '',
      ...(item?.shared_expressions ? { expressions: item.shared_expressions } : {}),
      ...(item?.parameters ? { parameters: item.parameters } : {}),
    };
  });
}

/** Table source expressions of the generated tenant, workspace by workspace, with their dataset's expressions. */
async function simulatorInputs(count: number, seed: number): Promise<MExpressionInput[]> {
  const sim = await startSimulator({
    seed,
    workspaces: Math.max(50, Math.ceil(count / 5)),
    scanDurationMs: 0,
  });
  try {
    const inputs: MExpressionInput[] = [];
    for (const summary of sim.tenant.listWorkspaces()) {
      for (const dataset of sim.tenant.workspace(summary.id)?.datasets ?? []) {
        const expressions = (dataset.expressions ?? []).flatMap(({ name, expression }) =>
          expression === undefined ? [] : [{ name, expression }],
        );
        for (const table of dataset.tables ?? []) {
          for (const part of table.source ?? []) {
            inputs.push({ expression: part.expression, expressions });
            if (inputs.length === count) return inputs;
          }
        }
      }
    }
    return inputs;
  } finally {
    await sim.close();
  }
}

type Mode = 'cold' | 'run cache';

interface Timing {
  wallSeconds: number;
  /** CPU time of this process (all threads, GC included): steadier than wall time on a busy machine. */
  cpuSeconds: number;
}

async function measure(inputs: readonly MExpressionInput[], mode: Mode): Promise<Timing> {
  const shared = new LineageCache();
  const cpuStart = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (const input of inputs) {
    await extractMLineage(input, mode === 'cold' ? new LineageCache() : shared);
  }
  const cpu = process.cpuUsage(cpuStart);
  return {
    wallSeconds: Number(process.hrtime.bigint() - started) / 1e9,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

function rate(count: number, seconds: number): string {
  return `${Math.round(count / seconds)
    .toString()
    .padStart(7)} expressions/s (${seconds.toFixed(2)} s)`;
}

async function report(label: string, inputs: readonly MExpressionInput[]): Promise<void> {
  const distinct = new Set(inputs.map((input) => input.expression)).size;
  const chars = inputs.reduce((sum, input) => sum + input.expression.length, 0);
  console.log(
    `${label}: ${inputs.length} expressions (${distinct} distinct, ${Math.round(chars / inputs.length)} chars on average)`,
  );
  for (const mode of ['cold', 'run cache'] as const) {
    const { wallSeconds, cpuSeconds } = await measure(inputs, mode);
    console.log(
      `  ${mode.padEnd(10)} wall ${rate(inputs.length, wallSeconds)}   cpu ${rate(inputs.length, cpuSeconds)}`,
    );
  }
}

/** Consecutive inputs sharing one `expressions` list are one dataset: what a read sends a worker at once. */
function byDataset(inputs: readonly MExpressionInput[]): MExpressionInput[][] {
  const groups: MExpressionInput[][] = [];
  for (const input of inputs) {
    const last = groups[groups.length - 1];
    if (last && last[0]?.expressions === input.expressions) last.push(input);
    else groups.push([input]);
  }
  return groups;
}

async function reportWorkers(inputs: readonly MExpressionInput[], maxThreads: number): Promise<void> {
  const script = pathToFileURL(path.resolve('dist/lineage/runtime/worker-entry.js'));
  if (!existsSync(script)) {
    console.log(
      '  workers    skipped: run `npm run build` first (workers run dist/lineage/runtime/worker-entry.js)',
    );
    return;
  }
  const datasets = byDataset(inputs);
  for (let threads = 1; threads <= maxThreads; threads += 1) {
    const pool = new LineageWorkerPool({ threads, script });
    const cpuStart = process.cpuUsage();
    const started = process.hrtime.bigint();
    try {
      await Promise.all(datasets.map((group, index) => pool.analyse(group, `dataset-${index}`)));
    } finally {
      await pool.close();
    }
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuStart);
    const label = `${threads} worker${threads > 1 ? 's' : ''}`.padEnd(10);
    console.log(
      `  ${label} wall ${rate(inputs.length, wallSeconds)}   cpu ${rate(inputs.length, (cpu.user + cpu.system) / 1e6)}`,
    );
  }
}

async function main(): Promise<void> {
  const { count, seed, threads } = argsOf(process.argv.slice(2));
  // Warm the JIT and load both parsers so the first mode measured is not penalised.
  await extractMLineage({ expression: 'let S = Sql.Database("s", "d", [Query="select 1"]) in S' });
  const corpus = corpusInputs(count);
  if (corpus === undefined) console.log('corpus: skipped (../shared/corpora/datahub-m-cases.json not found)');
  else await report('corpus, repeated', corpus);
  const tenant = await simulatorInputs(count, seed);
  await report(`simulator tenant (seed ${seed})`, tenant);
  await reportWorkers(tenant, threads);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
