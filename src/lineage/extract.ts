/** extractMLineage: M text (plus the dataset's expressions and parameters) -> upstream tables and diagnostics. */
import * as PQP from '@microsoft/powerquery-parser';
import { looksLikeDax, looksLikeM } from './dax.js';
import { dedupeDiagnostics, dedupeReferences } from './dedupe.js';
import { DATA_ACCESS_FUNCTIONS } from './functions.js';
import { decodeMIdentifier } from './m-string.js';
import { DatasetGlobals, referencedNames } from './parameters.js';
import { MParseCache, type MAst, type ParseOutcome } from './parse-m.js';
import type { LineageDiagnostic, MExpressionInput, MLineageResult } from './types.js';
import { Walker } from './walker.js';

const DAX_DIAGNOSTIC: LineageDiagnostic = {
  kind: 'dax_expression',
  message:
    'This is a DAX expression (calculated table or measure), not Power Query M; it has no source lineage.',
};

/** Parses the dataset expressions the table expression refers to, transitively, and nothing else. */
async function parseReferencedExpressions(
  ast: MAst,
  input: MExpressionInput,
  cache: MParseCache,
): Promise<Map<string, ParseOutcome>> {
  const texts = new Map<string, string>();
  for (const named of input.expressions ?? []) texts.set(named.name, named.expression);
  const parsed = new Map<string, ParseOutcome>();
  const pending = [...referencedNames(ast)].map(decodeMIdentifier);
  while (pending.length > 0) {
    const name = pending.pop() ?? '';
    const expressionText = texts.get(name);
    if (expressionText === undefined || parsed.has(name)) continue;
    const outcome = await cache.parse(expressionText);
    parsed.set(name, outcome);
    if (outcome.ok) pending.push(...[...referencedNames(outcome.ast)].map(decodeMIdentifier));
  }
  return parsed;
}

/** A lone unknown name (`Sales`, `'Sales'`) as a table's whole expression is a DAX table reference. */
function isBareUnknownName(ast: MAst, input: MExpressionInput): boolean {
  if (ast.kind !== PQP.Language.Ast.NodeKind.IdentifierExpression) return false;
  const name = decodeMIdentifier(ast.identifier.literal);
  const known = (input.expressions ?? []).some((named) => named.name === name);
  return !known && !Object.prototype.hasOwnProperty.call(input.parameters ?? {}, name);
}

export async function extractMLineage(
  input: MExpressionInput,
  cache: MParseCache = new MParseCache(),
): Promise<MLineageResult> {
  const expression = input.expression;
  if (looksLikeDax(expression)) return { upstreams: [], diagnostics: [DAX_DIAGNOSTIC] };
  const parsed = await cache.parse(expression);
  if (!parsed.ok) {
    if (!looksLikeM(expression)) return { upstreams: [], diagnostics: [DAX_DIAGNOSTIC] };
    return {
      upstreams: [],
      diagnostics: [
        { kind: 'unparsable_expression', message: `The M expression could not be parsed: ${parsed.message}` },
      ],
    };
  }
  if (isBareUnknownName(parsed.ast, input)) return { upstreams: [], diagnostics: [DAX_DIAGNOSTIC] };
  const globals = new DatasetGlobals(
    await parseReferencedExpressions(parsed.ast, input, cache),
    input.parameters ?? {},
  );
  const walker = new Walker({ functions: DATA_ACCESS_FUNCTIONS, options: input.options ?? {}, globals });
  const output = walker.evaluateDocument(parsed.ast);
  const references = walker.refsOf(output);
  return { upstreams: dedupeReferences(references), diagnostics: dedupeDiagnostics(walker.reported) };
}
