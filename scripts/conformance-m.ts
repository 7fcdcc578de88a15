/**
 * Runs the peer corpus ../shared/corpora/datahub-m-cases.json (DataHub's Power BI M tests) through
 * our lineage core and prints recall and precision. The corpus is read at run time, never copied.
 * Then runs our own cases (test/fixtures/lineage-conformance, scripts/real-world-cases.ts) and
 * prints recall, precision and diagnostics per category, with every failing case.
 *   npm run conformance:m
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  extractMLineage,
  LineageCache,
  type LineageOptions,
  type OdbcDsnTarget,
} from '../src/lineage/index.js';
import {
  casesDirectory,
  CATEGORIES,
  describeFailure,
  loadRealWorldCases,
  runRealWorldCases,
  type CategoryScore,
} from './real-world-cases.js';

export interface CorpusCase {
  id: string;
  kind: string;
  expression: string;
  expected: { platform: string; table: string; platform_instance?: string }[] | null;
  parameters?: Record<string, string>;
  shared_expressions?: { name: string; expression: string }[];
  config?: Record<string, unknown>;
  expected_classification?: string;
}

export interface Miss {
  id: string;
  kind: 'missed' | 'extra';
  edge: string;
  diagnostics: string[];
}

export interface Score {
  truePositives: number;
  expected: number;
  produced: number;
}

export interface ConformanceReport {
  overall: Score;
  perPlatform: Record<string, Score>;
  misses: Miss[];
  classification: { id: string; passed: boolean; detail: string }[];
  cases: number;
}

/**
 * Cases where our answer differs from the peer's on purpose; counted as misses in the figures
 * (strict) and listed with the reason. A second figure leaves them out.
 */
export const DISAGREEMENTS: Readonly<Record<string, string>> = {
  sqlglot_parser_nested_subqueries:
    'the query runs in database ORDERING (navigation `{[Name="ORDERING"]}`), so `RAW.DEALS` is ordering.raw.deals; the peer leaves the database out',
  odbc_query_without_dsn_mapping:
    'the connection string says `database=employees`, the default database of the ODBC session, so `users` is employees.users; the peer ignores it',
  if_expression_walks_both_branches:
    'the condition is the literal `true`, so only the then branch (prod_db) is read; the peer reports both branches',
};

const PLATFORM_NAMES: Record<string, string> = { mssql: 'sqlserver', postgresql: 'postgres' };

export function repoRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
}

export function corpusPath(): string {
  return path.resolve(repoRoot(), '..', 'shared', 'corpora', 'datahub-m-cases.json');
}

export function loadCorpus(): CorpusCase[] | undefined {
  const file = corpusPath();
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as CorpusCase[];
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/** Their ODBC settings (dsn_to_platform_name, dsn_to_database_schema "db[.schema]") -> our odbcDsnMap. */
export function optionsOf(config: Record<string, unknown> | undefined): LineageOptions {
  const options: LineageOptions = {};
  if (config?.['native_query_parsing'] === false) options.parseNativeQueries = false;
  const platforms = record(config?.['dsn_to_platform_name']);
  const databases = record(config?.['dsn_to_database_schema']);
  const map: Record<string, OdbcDsnTarget> = {};
  for (const [dsn, platform] of Object.entries(platforms)) {
    const target: OdbcDsnTarget = { platform: PLATFORM_NAMES[String(platform)] ?? String(platform) };
    const mapped = databases[dsn];
    const [database, schema] = (typeof mapped === 'string' ? mapped : '').split('.');
    if (database !== undefined && database !== '') target.database = database;
    if (schema !== undefined && schema !== '') target.schema = schema;
    map[dsn] = target;
  }
  if (Object.keys(map).length > 0) options.odbcDsnMap = map;
  return options;
}

/**
 * Their expected names may carry deployment prefixes that are not in the M text: the
 * `platform_instance` and, for Databricks Unity Catalog, the configured metastore. They are removed.
 */
export function expectedEdge(
  item: { platform: string; table: string; platform_instance?: string },
  config?: Record<string, unknown>,
): string {
  let table = item.table.toLowerCase();
  const instance = item.platform_instance?.toLowerCase();
  if (instance !== undefined && table.startsWith(`${instance}.`)) table = table.slice(instance.length + 1);
  for (const value of Object.values(record(config?.['server_to_platform_instance']))) {
    const metastore = record(value)['metastore'];
    if (typeof metastore === 'string' && table.startsWith(`${metastore.toLowerCase()}.`)) {
      table = table.slice(metastore.length + 1);
    }
  }
  return `${PLATFORM_NAMES[item.platform] ?? item.platform}:${table}`;
}

function emptyScore(): Score {
  return { truePositives: 0, expected: 0, produced: 0 };
}

function add(score: Score, truePositives: number, expected: number, produced: number): void {
  score.truePositives += truePositives;
  score.expected += expected;
  score.produced += produced;
}

export async function runConformance(cases: CorpusCase[]): Promise<ConformanceReport> {
  const cache = new LineageCache();
  const report: ConformanceReport = {
    overall: emptyScore(),
    perPlatform: {},
    misses: [],
    classification: [],
    cases: 0,
  };
  for (const item of cases) {
    if (item.kind === 'upstream_tables') {
      report.cases += 1;
      const result = await extractMLineage(
        {
          expression: item.expression,
          ...(item.shared_expressions === undefined ? {} : { expressions: item.shared_expressions }),
          ...(item.parameters === undefined ? {} : { parameters: item.parameters }),
          options: optionsOf(item.config),
        },
        cache,
      );
      const expected = new Set((item.expected ?? []).map((edge) => expectedEdge(edge, item.config)));
      const produced = new Set(result.upstreams.map((ref) => `${ref.platform}:${ref.qualifiedName}`));
      const diagnostics = result.diagnostics.map((d) => `${d.kind}: ${d.message}`);
      const platforms = new Set([...expected, ...produced].map((edge) => edge.split(':')[0] ?? ''));
      for (const platform of platforms) {
        const inPlatform = (edge: string) => edge.startsWith(`${platform}:`);
        const exp = [...expected].filter(inPlatform);
        const prod = [...produced].filter(inPlatform);
        const hits = exp.filter((edge) => produced.has(edge)).length;
        report.perPlatform[platform] ??= emptyScore();
        add(report.perPlatform[platform], hits, exp.length, prod.length);
      }
      add(
        report.overall,
        [...expected].filter((edge) => produced.has(edge)).length,
        expected.size,
        produced.size,
      );
      for (const edge of expected)
        if (!produced.has(edge)) report.misses.push({ id: item.id, kind: 'missed', edge, diagnostics });
      for (const edge of produced)
        if (!expected.has(edge)) report.misses.push({ id: item.id, kind: 'extra', edge, diagnostics });
    } else if (item.kind === 'classification') {
      const result = await extractMLineage({ expression: item.expression }, cache);
      const kinds = result.diagnostics.map((d) => d.kind);
      const wantDax = item.expected_classification === 'non_mquery';
      const passed =
        result.upstreams.length === 0 &&
        (wantDax ? kinds.includes('dax_expression') : kinds.includes('unparsable_expression'));
      report.classification.push({ id: item.id, passed, detail: kinds.join(', ') || '(no diagnostics)' });
    }
  }
  return report;
}

export function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 1 : numerator / denominator;
}

/** Recall and precision when the cases of DISAGREEMENTS are left out. */
export function withoutDisagreements(report: ConformanceReport): {
  recall: number;
  precision: number;
  disputedCases: number;
} {
  const disputed = report.misses.filter((miss) => DISAGREEMENTS[miss.id] !== undefined);
  const missed = disputed.filter((miss) => miss.kind === 'missed').length;
  const extra = disputed.filter((miss) => miss.kind === 'extra').length;
  const { truePositives, expected, produced } = report.overall;
  return {
    recall: ratio(truePositives, expected - missed),
    precision: ratio(truePositives, produced - extra),
    disputedCases: new Set(disputed.map((miss) => miss.id)).size,
  };
}

/** Parses `count` corpus-sized expressions (the corpus, repeated) and returns expressions per second. */
export async function measureThroughput(
  cases: CorpusCase[],
  count: number,
): Promise<{ seconds: number; perSecond: number }> {
  const expressions = cases.filter((item) => item.kind !== 'classification');
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1) {
    const item = expressions[index % expressions.length];
    if (item === undefined) break;
    // A fresh cache each time: every expression is really parsed (npm run bench:lineage measures more).
    await extractMLineage(
      { expression: item.expression, ...(item.parameters ? { parameters: item.parameters } : {}) },
      new LineageCache(),
    );
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, perSecond: count / seconds };
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

async function printPeerCorpus(cases: CorpusCase[]): Promise<void> {
  const report = await runConformance(cases);
  const { overall } = report;
  console.log(
    `upstream_tables cases: ${report.cases}, expected edges: ${overall.expected}, produced: ${overall.produced}`,
  );
  console.log(
    `recall ${percent(ratio(overall.truePositives, overall.expected))}  precision ${percent(ratio(overall.truePositives, overall.produced))}`,
  );
  for (const [platform, score] of Object.entries(report.perPlatform).sort()) {
    console.log(
      `  ${platform.padEnd(12)} recall ${percent(ratio(score.truePositives, score.expected)).padStart(6)} (${score.truePositives}/${score.expected})  precision ${percent(ratio(score.truePositives, score.produced)).padStart(6)} (${score.truePositives}/${score.produced})`,
    );
  }
  const agreed = report.misses.filter((miss) => DISAGREEMENTS[miss.id] === undefined);
  const disputedIds = new Set(
    report.misses.filter((miss) => DISAGREEMENTS[miss.id] !== undefined).map((m) => m.id),
  );
  const undisputed = withoutDisagreements(report);
  console.log(
    `without the ${undisputed.disputedCases} documented disagreements: recall ${percent(undisputed.recall)}  precision ${percent(undisputed.precision)}`,
  );
  console.log(`misses: ${report.misses.length}`);
  for (const miss of report.misses) {
    console.log(`  [${miss.kind}] ${miss.id}: ${miss.edge}`);
    for (const diagnostic of miss.diagnostics) console.log(`      ${diagnostic}`);
  }
  for (const id of disputedIds) console.log(`  why ${id}: ${DISAGREEMENTS[id]}`);
  if (agreed.length > 0) console.log(`unexplained misses: ${agreed.length}`);
  const passed = report.classification.filter((item) => item.passed).length;
  console.log(`classification (DAX vs M, no lineage): ${passed}/${report.classification.length}`);
  for (const item of report.classification)
    console.log(`  ${item.passed ? 'ok  ' : 'FAIL'} ${item.id}: ${item.detail}`);
}

function scoreLine(label: string, score: CategoryScore): string {
  const recall = `${percent(ratio(score.truePositives, score.expected)).padStart(6)} (${score.truePositives}/${score.expected})`;
  const precision = `${percent(ratio(score.truePositives, score.produced)).padStart(6)} (${score.truePositives}/${score.produced})`;
  return `  ${label.padEnd(20)} recall ${recall.padEnd(16)} precision ${precision.padEnd(16)} cases passed ${score.passed}/${score.cases}  diagnostics held ${score.diagnosticsHeld}/${score.cases}`;
}

async function printOwnCases(): Promise<void> {
  const cases = loadRealWorldCases(casesDirectory(repoRoot()));
  const report = await runRealWorldCases(cases);
  console.log(`\nour cases (test/fixtures/lineage-conformance): ${cases.length}`);
  for (const category of CATEGORIES) console.log(scoreLine(category, report.perCategory[category]));
  console.log(scoreLine('overall', report.overall));
  console.log(`failing cases: ${report.failures.length}`);
  for (const failure of report.failures)
    for (const line of describeFailure(failure)) console.log(`  ${line}`);
}

async function main(): Promise<void> {
  const cases = loadCorpus();
  if (cases === undefined) {
    console.log(
      `peer corpus skipped: ${corpusPath()} not found (the peer corpus lives next to the repository).`,
    );
  } else {
    await printPeerCorpus(cases);
  }
  await printOwnCases();
  if (cases === undefined) return;
  const count = Number(process.env['CONFORMANCE_TIMING_COUNT'] ?? 10000);
  const timing = await measureThroughput(cases, count);
  console.log(
    `timing: ${count} expressions in ${timing.seconds.toFixed(2)} s = ${Math.round(timing.perSecond)} expressions/s`,
  );
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
