/**
 * Stored procedure calls in a parsed native query (`EXEC dbo.GetSales`, `CALL sp_x()`): the tables
 * they read are inside the database, out of sight, so they are named in a diagnostic instead of
 * the query silently yielding nothing.
 */
import type { LineageDiagnostic } from '../types.js';

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return isRecord(value) && typeof value['value'] === 'string' ? value['value'] : undefined;
}

/** node-sql-parser: `{type:'exec', module:{db, table}}` (T-SQL) or `{type:'call', expr:{name:{name:[...], schema}}}`. */
function procedureName(statement: Json): string | undefined {
  if (statement['type'] === 'exec' && isRecord(statement['module'])) {
    const { db, table } = statement['module'];
    return [textOf(db), textOf(table)].filter((part) => part !== undefined).join('.') || undefined;
  }
  if (statement['type'] === 'call' && isRecord(statement['expr']) && isRecord(statement['expr']['name'])) {
    const name = statement['expr']['name'];
    const parts = Array.isArray(name['name']) ? (name['name'] as unknown[]).map(textOf) : [];
    return [textOf(name['schema']), ...parts].filter((part) => part !== undefined).join('.') || undefined;
  }
  return undefined;
}

export function procedureDiagnostics(ast: unknown): LineageDiagnostic[] {
  const statements = (Array.isArray(ast) ? ast : [ast]).filter(isRecord);
  return statements.flatMap((statement) => {
    const name = procedureName(statement);
    if (name === undefined) return [];
    return [
      {
        kind: 'stored_procedure' as const,
        message: `The native query calls stored procedure ${name}; the tables it reads are not visible to the connector.`,
      },
    ];
  });
}
