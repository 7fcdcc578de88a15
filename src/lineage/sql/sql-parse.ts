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

/** Enough for one query's readers; trees of long queries are large, so only these few stay. */
const REMEMBERED = 2;

interface Remembered {
  text: string;
  dialect: string;
  outcome: DialectParse;
}

const recent: Remembered[] = [];

function parseNow(text: string, dialect: string): DialectParse {
  try {
    const { ast, tableList } = parser.parse(text, { database: dialect });
    return { ast, tableList };
  } catch (error) {
    return { error };
  }
}

/** The parse, or the error the parser threw; a RangeError (its recursion ran out of stack) is not remembered. */
export function parseInDialect(text: string, dialect: string): DialectParse {
  const known = recent.find((entry) => entry.dialect === dialect && entry.text === text);
  if (known !== undefined) return known.outcome;
  const outcome = parseNow(text, dialect);
  // How deep the stack may go depends on the caller's depth: the next caller tries for itself.
  if ('error' in outcome && outcome.error instanceof RangeError) return outcome;
  if (recent.length >= REMEMBERED) recent.shift();
  recent.push({ text, dialect, outcome });
  return outcome;
}
