/**
 * Recognises DAX (calculated tables, measures) so it is reported as such instead of as broken M.
 * M library functions are namespaced (`Table.SelectRows`); DAX functions are bare upper-case names.
 */

/** DAX functions that return tables or are typical at the top of a calculated-table expression. */
const DAX_TABLE_FUNCTIONS = new Set([
  'ADDCOLUMNS',
  'ADDMISSINGITEMS',
  'ALL',
  'ALLEXCEPT',
  'ALLNOBLANKROW',
  'ALLSELECTED',
  'CALCULATE',
  'CALCULATETABLE',
  'CALENDAR',
  'CALENDARAUTO',
  'CROSSJOIN',
  'CURRENTGROUP',
  'DATATABLE',
  'DATESBETWEEN',
  'DATESINPERIOD',
  'DETAILROWS',
  'DISTINCT',
  'EXCEPT',
  'FILTER',
  'FILTERS',
  'GENERATE',
  'GENERATEALL',
  'GENERATESERIES',
  'GROUPBY',
  'IGNORE',
  'INTERSECT',
  'KEEPFILTERS',
  'NATURALINNERJOIN',
  'NATURALLEFTOUTERJOIN',
  'RELATEDTABLE',
  'ROLLUP',
  'ROLLUPGROUP',
  'ROW',
  'SAMPLE',
  'SELECTCOLUMNS',
  'SUBSTITUTEWITHINDEX',
  'SUMMARIZE',
  'SUMMARIZECOLUMNS',
  'TOPN',
  'TREATAS',
  'UNION',
  'VALUES',
  'DIVIDE',
  'SUM',
  'SUMX',
  'COUNTROWS',
  'MAX',
  'MIN',
  'AVERAGE',
  'DISTINCTCOUNT',
  'RELATED',
  'LOOKUPVALUE',
  'IF',
  'SWITCH',
  'YEAR',
  'DATE',
  'FORMAT',
  'INFO.TABLES',
]);

/** Text starts like a DAX query or variable block. */
const DAX_KEYWORD_START = /^\s*(?:=\s*)?(?:VAR|EVALUATE|DEFINE)\b/i;

/** `'Table Name'[Column]` or `'Table Name'` is DAX table syntax; single quotes are not M tokens. */
const DAX_QUOTED_TABLE = /(^|[\s(,])'[^']+'(\s*\[|\s*[,)]|\s*$)/;

/** The name of the outermost call when the expression is `NAME(...)`, e.g. `CALCULATETABLE`. */
export function topLevelCallName(expression: string): string | undefined {
  const match = /^\s*(?:=\s*)?([A-Za-z_][A-Za-z0-9_.]*)\s*\(/.exec(expression);
  return match?.[1];
}

/** M keywords that can precede `(` and must not be taken for DAX functions. */
const M_KEYWORDS = new Set(['if', 'each', 'let', 'try', 'not', 'type', 'error', 'meta', 'section', 'shared']);

export function isDaxFunctionName(name: string): boolean {
  return !M_KEYWORDS.has(name) && DAX_TABLE_FUNCTIONS.has(name.toUpperCase());
}

/** True when the text is recognisably DAX before any M parsing. */
export function looksLikeDax(expression: string): boolean {
  if (DAX_KEYWORD_START.test(expression)) return true;
  const call = topLevelCallName(expression);
  if (call !== undefined && !call.includes('.') && isDaxFunctionName(call)) return true;
  return DAX_QUOTED_TABLE.test(expression) && !/\blet\b/.test(expression);
}

/** After an M parse failure: M-looking text is a broken M expression, anything else is treated as DAX. */
export function looksLikeM(expression: string): boolean {
  return (
    /^\s*(?:let|section)\b/.test(expression) || /\b[A-Z][A-Za-z0-9]*\.[A-Z][A-Za-z0-9]*\s*\(/.test(expression)
  );
}
