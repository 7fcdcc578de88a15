/**
 * Our own lineage conformance cases (test/fixtures/lineage-conformance/*.json), one category per
 * kind of miss found on real published models (issue 13): loading, running and scoring them.
 * Used by `npm run conformance:m` and the unit tests.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  extractMLineage,
  LineageCache,
  type DataSourceHint,
  type LineageDiagnosticKind,
  type MExpressionInput,
  type MLineageResult,
  type NamedExpression,
  type UpstreamKind,
  type UpstreamReference,
} from '../src/lineage/index.js';

export const CATEGORIES = [
  'long_chains',
  'structured_sources',
  'table_references',
  'sql_fallback',
  'partial_names',
  'conditions',
  'kusto',
] as const;

export type Category = (typeof CATEGORIES)[number];

/** Every diagnostic kind; the type makes tsc fail when src/lineage/types.ts gains or loses one. */
export const DIAGNOSTIC_KINDS: Readonly<Record<LineageDiagnosticKind, true>> = {
  unparsable_expression: true,
  repaired_syntax: true,
  dax_expression: true,
  unsupported_function: true,
  unresolved_parameter: true,
  unresolved_reference: true,
  unresolved_navigation: true,
  unparsable_sql: true,
  stored_procedure: true,
  native_query_skipped: true,
  unknown_platform: true,
  cyclic_reference: true,
  limit_exceeded: true,
  analysis_failed: true,
  sql_token_scan: true,
  partial_name: true,
  undecidable_condition: true,
  inferred_data_source: true,
  opaque_columns: true,
};

export interface ExpectedEdge {
  platform: string;
  /** Compared lower-cased when given. */
  server?: string;
  qualifiedName: string;
  /** `table` when not given. */
  kind?: UpstreamKind;
  /** Compared only when given (false = the reference must not be flagged). */
  partial?: boolean;
  alternative?: boolean;
}

export interface RealWorldCase {
  id: string;
  category: Category;
  description: string;
  expression: string;
  expressions?: NamedExpression[];
  tables?: NamedExpression[];
  parameters?: Record<string, string>;
  dataSources?: DataSourceHint[];
  expected: ExpectedEdge[];
  expectedDiagnostics?: LineageDiagnosticKind[];
  forbiddenDiagnostics?: LineageDiagnosticKind[];
}

export interface CaseOutcome {
  id: string;
  category: Category;
  missed: ExpectedEdge[];
  extra: UpstreamReference[];
  /** Expected diagnostic kinds that were not reported. */
  missingDiagnostics: LineageDiagnosticKind[];
  /** Forbidden diagnostic kinds that were reported. */
  forbiddenReported: LineageDiagnosticKind[];
  result: MLineageResult;
}

export interface EdgeScore {
  truePositives: number;
  expected: number;
  produced: number;
}

export interface CategoryScore extends EdgeScore {
  cases: number;
  /** Cases with no missed or extra edge and the diagnostics they expect. */
  passed: number;
  /** Cases whose expected/forbidden diagnostics hold. */
  diagnosticsHeld: number;
}

export interface RealWorldReport {
  overall: CategoryScore;
  perCategory: Record<Category, CategoryScore>;
  /** Every case that did not pass, in file order. */
  failures: CaseOutcome[];
}

export function casesDirectory(root: string): string {
  return path.join(root, 'test', 'fixtures', 'lineage-conformance');
}

/** Every case of every JSON file in the folder, in file-name order. */
export function loadRealWorldCases(directory: string): RealWorldCase[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .flatMap((name) => JSON.parse(readFileSync(path.join(directory, name), 'utf8')) as RealWorldCase[]);
}

export function inputOf(item: RealWorldCase): MExpressionInput {
  return {
    expression: item.expression,
    ...(item.expressions === undefined ? {} : { expressions: item.expressions }),
    ...(item.tables === undefined ? {} : { tables: item.tables }),
    ...(item.parameters === undefined ? {} : { parameters: item.parameters }),
    ...(item.dataSources === undefined ? {} : { dataSources: item.dataSources }),
  };
}

function sameFlag(expected: boolean | undefined, produced: boolean | undefined): boolean {
  return expected === undefined || expected === (produced === true);
}

export function edgeMatches(expected: ExpectedEdge, produced: UpstreamReference): boolean {
  return (
    expected.platform === produced.platform &&
    expected.qualifiedName.toLowerCase() === produced.qualifiedName &&
    (expected.kind ?? 'table') === produced.kind &&
    (expected.server === undefined ||
      expected.server.toLowerCase() === (produced.server ?? '').toLowerCase()) &&
    sameFlag(expected.partial, produced.partial) &&
    sameFlag(expected.alternative, produced.alternative)
  );
}

/** Pairs each expected edge with at most one produced reference, and each reference with one edge. */
function compareEdges(
  expected: readonly ExpectedEdge[],
  produced: readonly UpstreamReference[],
): { missed: ExpectedEdge[]; extra: UpstreamReference[] } {
  const unused = [...produced];
  const missed: ExpectedEdge[] = [];
  for (const edge of expected) {
    const at = unused.findIndex((reference) => edgeMatches(edge, reference));
    if (at < 0) missed.push(edge);
    else unused.splice(at, 1);
  }
  return { missed, extra: unused };
}

export async function runCase(item: RealWorldCase, cache: LineageCache): Promise<CaseOutcome> {
  const result = await extractMLineage(inputOf(item), cache);
  const reported = new Set(result.diagnostics.map((diagnostic) => diagnostic.kind));
  return {
    id: item.id,
    category: item.category,
    ...compareEdges(item.expected, result.upstreams),
    missingDiagnostics: (item.expectedDiagnostics ?? []).filter((kind) => !reported.has(kind)),
    forbiddenReported: (item.forbiddenDiagnostics ?? []).filter((kind) => reported.has(kind)),
    result,
  };
}

export function casePassed(outcome: CaseOutcome): boolean {
  return (
    outcome.missed.length === 0 &&
    outcome.extra.length === 0 &&
    outcome.missingDiagnostics.length === 0 &&
    outcome.forbiddenReported.length === 0
  );
}

function emptyCategoryScore(): CategoryScore {
  return { truePositives: 0, expected: 0, produced: 0, cases: 0, passed: 0, diagnosticsHeld: 0 };
}

function addOutcome(score: CategoryScore, item: RealWorldCase, outcome: CaseOutcome): void {
  score.cases += 1;
  score.expected += item.expected.length;
  score.produced += outcome.result.upstreams.length;
  score.truePositives += item.expected.length - outcome.missed.length;
  if (casePassed(outcome)) score.passed += 1;
  if (outcome.missingDiagnostics.length === 0 && outcome.forbiddenReported.length === 0) {
    score.diagnosticsHeld += 1;
  }
}

/** Runs every case through extractMLineage with one cache (what a sync does) and scores it. */
export async function runRealWorldCases(cases: readonly RealWorldCase[]): Promise<RealWorldReport> {
  const cache = new LineageCache();
  const perCategory = Object.fromEntries(
    CATEGORIES.map((category) => [category, emptyCategoryScore()]),
  ) as Record<Category, CategoryScore>;
  const report: RealWorldReport = { overall: emptyCategoryScore(), perCategory, failures: [] };
  for (const item of cases) {
    const outcome = await runCase(item, cache);
    addOutcome(report.overall, item, outcome);
    const category = perCategory[item.category];
    if (category === undefined) throw new Error(`case ${item.id}: unknown category ${String(item.category)}`);
    addOutcome(category, item, outcome);
    if (!casePassed(outcome)) report.failures.push(outcome);
  }
  return report;
}

function flags(edge: { partial?: boolean; alternative?: boolean }): string {
  return [edge.partial === true ? ' partial' : '', edge.alternative === true ? ' alternative' : ''].join('');
}

export function formatExpected(edge: ExpectedEdge): string {
  const server = edge.server === undefined ? '' : ` @${edge.server}`;
  const stated = [
    edge.partial === undefined ? '' : ` partial=${String(edge.partial)}`,
    edge.alternative === undefined ? '' : ` alternative=${String(edge.alternative)}`,
  ].join('');
  return `${edge.platform}:${edge.qualifiedName} [${edge.kind ?? 'table'}]${server}${stated}`;
}

export function formatProduced(reference: UpstreamReference): string {
  const server = reference.server === null || reference.server === undefined ? '' : ` @${reference.server}`;
  return `${reference.platform}:${reference.qualifiedName} [${reference.kind}]${server}${flags(reference)}`;
}

/** Lines describing one failed case: what was missed, what was extra, which diagnostics disagree. */
export function describeFailure(outcome: CaseOutcome): string[] {
  const lines = [`${outcome.id} (${outcome.category})`];
  for (const edge of outcome.missed) lines.push(`    missed  ${formatExpected(edge)}`);
  for (const reference of outcome.extra) lines.push(`    extra   ${formatProduced(reference)}`);
  if (outcome.missingDiagnostics.length > 0)
    lines.push(`    diagnostics expected but absent: ${outcome.missingDiagnostics.join(', ')}`);
  if (outcome.forbiddenReported.length > 0)
    lines.push(`    diagnostics forbidden but reported: ${outcome.forbiddenReported.join(', ')}`);
  for (const diagnostic of outcome.result.diagnostics)
    lines.push(`      ${diagnostic.kind}: ${diagnostic.message.slice(0, 200)}`);
  return lines;
}
