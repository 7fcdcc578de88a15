/** extractMLineage: M text (plus the dataset's expressions and parameters) -> upstream tables and diagnostics. */
import * as PQP from '@microsoft/powerquery-parser';
import { looksLikeDax, looksLikeM } from '../dax/dax.js';
import { datasetTexts } from './dataset-names.js';
import { dedupeDiagnostics, dedupeReferences } from './dedupe.js';
import { DATA_ACCESS_FUNCTIONS } from '../functions/registry.js';
import { Deadline, LimitExceededError, mTextTooLong } from '../limits.js';
import { LineageCache, sharedLineageCache } from './lineage-cache.js';
import { decodeMIdentifier } from '../m/m-string.js';
import { DatasetGlobals, type DatasetName } from '../m/parameters.js';
import type { MAst, ParseOutcome } from '../m/parse-m.js';
import { repairDiagnostic } from '../m/repair-diagnostic.js';
import { keepOutputColumns, keptColumnLineage, type OutputColumns } from './output-columns.js';
import { resultKey } from './result-key.js';
import type { LineageDiagnostic, MExpressionInput, MLineageResult } from '../types.js';
import { Walker } from '../m/walker.js';

const DAX_DIAGNOSTIC: LineageDiagnostic = {
  kind: 'dax_expression',
  message:
    'This is a DAX expression (calculated table or measure), not Power Query M; it has no source lineage.',
};

function daxResult(): MLineageResult {
  return { upstreams: [], diagnostics: [{ ...DAX_DIAGNOSTIC }] };
}

/** Parses the dataset queries and tables the table expression refers to, transitively, and nothing else. */
async function parseReferencedNames(
  names: readonly string[],
  input: MExpressionInput,
  cache: LineageCache,
): Promise<Map<string, DatasetName>> {
  const texts = datasetTexts(input);
  const parsed = new Map<string, DatasetName>();
  const pending = [...names];
  while (pending.length > 0) {
    const name = pending.pop() ?? '';
    const entry = texts.get(name);
    if (entry === undefined || parsed.has(name)) continue;
    const outcome = await cache.parse(entry.text);
    const self = entry.table && name === input.tableName;
    parsed.set(name, { outcome, table: entry.table, ...(self ? { self } : {}) });
    if (outcome.ok && !self) pending.push(...outcome.names);
  }
  return parsed;
}

/** A lone unknown name (`Sales`, `'Sales'`) as a table's whole expression is a DAX table reference. */
function isBareUnknownName(ast: MAst, input: MExpressionInput): boolean {
  if (ast.kind !== PQP.Language.Ast.NodeKind.IdentifierExpression) return false;
  const name = decodeMIdentifier(ast.identifier.literal);
  const known = datasetTexts(input).has(name);
  return !known && !Object.prototype.hasOwnProperty.call(input.parameters ?? {}, name);
}

function limitResult(message: string, earlier: readonly LineageDiagnostic[] = []): MLineageResult {
  return {
    upstreams: [],
    diagnostics: dedupeDiagnostics([...earlier, { kind: 'limit_exceeded', message }]),
  };
}

/**
 * A table expression's lineage before the model's columns are looked up in its output: with
 * `output` (column tracking, a finished walk) the columns the walk followed. Depends on whether
 * columns are tracked, not on which: tables with the same M and other columns share it.
 */
interface Walked {
  result: MLineageResult;
  output?: OutputColumns | null;
}

/** The table expression's parse, and the dataset queries and tables it reaches, parsed (when it parsed). */
interface Parsed {
  expression: ParseOutcome;
  referenced?: Map<string, DatasetName>;
}

async function parseInvolved(input: MExpressionInput, cache: LineageCache): Promise<Parsed> {
  const expression = await cache.parse(input.expression);
  if (!expression.ok) return { expression };
  return { expression, referenced: await parseReferencedNames(expression.names, input, cache) };
}

function analyse(input: MExpressionInput, cache: LineageCache, parsed: Parsed): Walked {
  const expression = input.expression;
  const outcome = parsed.expression;
  if (!outcome.ok) {
    if (outcome.limitExceeded) return { result: limitResult(outcome.message) };
    if (!looksLikeM(expression)) return { result: daxResult() };
    return {
      result: {
        upstreams: [],
        diagnostics: [
          {
            kind: 'unparsable_expression',
            message: `The M expression could not be parsed: ${outcome.message}`,
          },
        ],
      },
    };
  }
  if (isBareUnknownName(outcome.ast, input)) return { result: daxResult() };
  const globals = new DatasetGlobals(parsed.referenced ?? new Map(), input.parameters ?? {});
  const walker = new Walker({
    functions: DATA_ACCESS_FUNCTIONS,
    options: input.options ?? {},
    globals,
    dataSources: input.dataSources ?? [],
    sqlTablePaths: cache.sqlTablePaths,
    sqlColumns: cache.sqlColumns,
    limits: cache.limits,
    deadline: new Deadline(cache.limits.timeBudgetMs, 'the analysis of this table expression'),
    trackColumns: input.columns !== undefined,
  });
  outcome.repairs.forEach((repair) => walker.report(repairDiagnostic(repair)));
  try {
    const output = walker.evaluateDocument(outcome.ast);
    const references = walker.refsOf(output);
    const result: MLineageResult = {
      upstreams: dedupeReferences(references),
      diagnostics: dedupeDiagnostics(walker.reported),
    };
    if (input.columns === undefined) return { result };
    return { result, output: keepOutputColumns(walker.columnsOf(output)) };
  } catch (error) {
    if (error instanceof LimitExceededError) return { result: limitResult(error.message, walker.reported) };
    throw error;
  }
}

/** The walk's result with the lineage of the model's columns, when the walk followed them. */
function withModelColumns(walked: Walked, columns: readonly string[]): MLineageResult {
  const { result, output } = walked;
  if (output === undefined) return result;
  const traced = keptColumnLineage(output, columns);
  return {
    ...result,
    columns: traced.columns,
    diagnostics: [...result.diagnostics, ...traced.diagnostics],
  };
}

/** Anything unexpected (a stack overflow, a bug) costs this table its lineage, nothing more. */
function failedResult(error: unknown): MLineageResult {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    upstreams: [],
    diagnostics: [{ kind: 'analysis_failed', message: `Lineage analysis failed: ${message}` }],
  };
}

/**
 * Lineage of one table expression. `cache` defaults to one shared by the whole process (a sync):
 * texts seen before are not parsed again and identical inputs give the stored result. Never
 * throws: a limit (cache.limits) gives a `limit_exceeded` diagnostic, anything unexpected an
 * `analysis_failed` one.
 */
export async function extractMLineage(
  input: MExpressionInput,
  cache: LineageCache = sharedLineageCache(),
): Promise<MLineageResult> {
  const found = await answer(input, cache);
  return found.result ?? (JSON.parse(found.json) as MLineageResult);
}

/**
 * extractMLineage's result as JSON text: what a worker thread sends back. A stored result is sent
 * as it is kept, without being parsed first.
 */
export async function extractMLineageJson(
  input: MExpressionInput,
  cache: LineageCache = sharedLineageCache(),
): Promise<string> {
  const found = await answer(input, cache);
  return found.json ?? JSON.stringify(found.result);
}

/** A result as computed now, as stored (JSON text), or both. */
type Answer = { result: MLineageResult; json?: string } | { result?: undefined; json: string };

async function answer(input: MExpressionInput, cache: LineageCache): Promise<Answer> {
  try {
    return await answerOrThrow(input, cache);
  } catch (error) {
    return { result: failedResult(error) };
  }
}

async function answerOrThrow(input: MExpressionInput, cache: LineageCache): Promise<Answer> {
  if (input.expression.length > cache.limits.maxTextChars)
    return { result: limitResult(mTextTooLong(input.expression.length, cache.limits)) };
  if (looksLikeDax(input.expression)) return { result: daxResult() };
  let key = resultKey(input, cache);
  let parsed: Parsed | undefined;
  if (key === undefined) {
    // The key needs the names each text involved mentions; parsing them first (the walk needs
    // them parsed anyway) lets a result stored under that key spare the walk.
    parsed = await parseInvolved(input, cache);
    key = resultKey(input, cache);
  }
  const stored = key === undefined ? undefined : cache.resultJson(key);
  const columns = input.columns;
  if (columns === undefined) {
    if (stored !== undefined) return { json: stored };
    const { result } = analyse(input, cache, parsed ?? (await parseInvolved(input, cache)));
    key ??= resultKey(input, cache);
    return key === undefined ? { result } : { result, json: cache.storeResult(key, result) };
  }
  // With columns the walk is kept, and the model's columns looked up in it on every answer.
  if (stored !== undefined) return { result: withModelColumns(JSON.parse(stored) as Walked, columns) };
  const walked = analyse(input, cache, parsed ?? (await parseInvolved(input, cache)));
  key ??= resultKey(input, cache);
  if (key !== undefined) cache.storeResult(key, walked);
  return { result: withModelColumns(walked, columns) };
}
