/**
 * node-sql-parser's parse of one text in one dialect, remembered for the next few calls. A native
 * query's tables (native-sql.ts) and then, at once, its columns (sql-columns.ts) are read from the
 * same tree; with column lineage on, the second parse was a third of the SQL work. Neither reader
 * changes the tree.
 */
import sqlParser from 'node-sql-parser';

export type DialectParse =
  { readonly ast: unknown; readonly tableList: readonly string[] } | { readonly error: unknown };

const parser = new sqlParser.Parser();

/**
 * Enough for one query's readers: its tree, and the dialects that failed before one parsed it
 * (up to seven dialects, on the query and on its rewrite). Trees of long queries are large, so
 * only the last two stay.
 */
const REMEMBERED_TREES = 2;
const REMEMBERED_FAILURES = 16;

interface Remembered {
  text: string;
  dialect: string;
  outcome: DialectParse;
}

const recentTrees: Remembered[] = [];
const recentFailures: Remembered[] = [];

function parseNow(text: string, dialect: string): DialectParse {
  try {
    const { ast, tableList } = parser.parse(text, { database: dialect });
    return { ast, tableList };
  } catch (error) {
    return { error };
  }
}

function remember(list: Remembered[], limit: number, entry: Remembered): void {
  if (list.length >= limit) list.shift();
  list.push(entry);
}

/** The parse, or the error the parser threw; a RangeError (its recursion ran out of stack) is not remembered. */
export function parseInDialect(text: string, dialect: string): DialectParse {
  const same = (entry: Remembered) => entry.dialect === dialect && entry.text === text;
  const known = recentTrees.find(same) ?? recentFailures.find(same);
  if (known !== undefined) return known.outcome;
  const outcome = parseNow(text, dialect);
  if (!('error' in outcome)) remember(recentTrees, REMEMBERED_TREES, { text, dialect, outcome });
  // How deep the stack may go depends on the caller's depth: the next caller tries for itself.
  else if (!(outcome.error instanceof RangeError))
    remember(recentFailures, REMEMBERED_FAILURES, { text, dialect, outcome });
  return outcome;
}
