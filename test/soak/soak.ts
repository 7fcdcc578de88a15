/**
 * The long soak (`npm run soak`, after a build): random faults at modest probability over a
 * 1,000-workspace tenant, several seeds, each compared with a clean run. Every stream is read,
 * the usage streams (activity_events, refresh_history, apps) included. Bounded in count (seeds,
 * resumes) and time (--max-minutes). Prints figures; exits 1 on any mismatch, duplicate or leak,
 * or when a usage stream had nothing to compare.
 *
 *   npm run soak -- --workspaces 1000 --seeds 1,2,3 --per-scan 25 --max-minutes 20 [--faults 429=0.05,reset=0.01]
 */
import { parseArgs } from 'node:util';
import { parseFaultSpec } from '../../simulator/faults.js';
import { DEFAULT_FAULTS, soak } from './soak-run.js';

const { values } = parseArgs({
  options: {
    workspaces: { type: 'string', default: '1000' },
    'tenant-seed': { type: 'string', default: '42' },
    seeds: { type: 'string', default: '1,2,3' },
    'per-scan': { type: 'string', default: '25' },
    faults: { type: 'string' },
    'max-resumes': { type: 'string', default: '3' },
    'max-minutes': { type: 'string', default: '30' },
  },
});

const figures = await soak({
  tenantSeed: Number(values['tenant-seed']),
  workspaces: Number(values.workspaces),
  workspacesPerScan: Number(values['per-scan']),
  faultSeeds: values.seeds.split(',').map(Number),
  faults: values.faults ? parseFaultSpec(values.faults) : DEFAULT_FAULTS,
  maxResumes: Number(values['max-resumes']),
  maxWallMs: Number(values['max-minutes']) * 60_000,
  log: (line) => console.log(line),
});

const sum = (pick: (s: (typeof figures.seeds)[number]) => number) =>
  figures.seeds.reduce((total, s) => total + pick(s), 0);
const faults = sum((s) => Object.values(s.faultsFired).reduce((a, b) => a + b, 0));
const mismatches = sum((s) => s.mismatches.length);
const duplicates = sum((s) => s.duplicates);
const leaks = sum((s) => s.leaks.length);
const uncovered = ['activity_events', 'refresh_history', 'apps'].filter(
  (name) => !figures.cleanByStream[name],
);
console.log(
  `soak: workspaces=${figures.workspaces} seeds=${figures.seeds.length} runs=${sum((s) => s.runs) + 1} ` +
    `faults=${faults} retries=${sum((s) => s.retries)} records compared=${figures.cleanRecords} x ${figures.seeds.length} ` +
    `mismatches=${mismatches} duplicates=${duplicates} leaks=${leaks} ` +
    `wall=${((figures.cleanWallMs + sum((s) => s.wallMs)) / 1000).toFixed(0)}s`,
);
for (const s of figures.seeds) for (const m of s.mismatches) console.log(`  seed ${s.seed} mismatch: ${m}`);
for (const s of figures.seeds) for (const l of s.leaks) console.log(`  seed ${s.seed} leak: ${l}`);
for (const name of uncovered) console.log(`  ${name}: no records in the clean run, nothing compared`);
process.exitCode =
  mismatches + duplicates + leaks + uncovered.length > 0 || figures.seeds.length === 0 ? 1 : 0;
