/**
 * The tables, columns and measures a DAX expression (a measure, calculated column or calculated
 * table) references, resolved against the model: `'Table'[Column]`, `Table[Column]`, `[Measure]`,
 * a bare `[Column]` of the host table, and whole tables used as table expressions. Names resolve
 * ignoring letter case, as DAX does, and come back spelled as the model spells them.
 */
import { DEFAULT_ANALYSIS_LIMITS, formatCount, type AnalysisLimits } from '../limits.js';
import type { LineageDiagnostic } from '../types.js';
import { DaxTokenizer, type DaxToken } from './dax-tokens.js';

export interface DaxModel {
  /** Table name -> its column names (as in the model). */
  tables: ReadonlyMap<string, readonly string[]>;
  /** Measure name -> its home table. */
  measures: ReadonlyMap<string, string>;
}

/** Where the expression lives: a measure's home table, a calculated column's or calculated table's own table. */
export interface DaxHost {
  table?: string;
}

export type DaxReference =
  | { kind: 'column'; table: string; column: string }
  | { kind: 'measure'; table: string; measure: string }
  /** A whole table used as a table expression: `FILTER(Sales, …)`, `COUNTROWS('Sales')`. */
  | { kind: 'table'; table: string };

export interface DaxReferencesResult {
  /** Each reference once, in the order first seen. */
  references: DaxReference[];
  diagnostics: LineageDiagnostic[];
}

/**
 * The references of one DAX expression. Linear in its length; a text longer than
 * `limits.maxTextChars` is not read (a `limit_exceeded` diagnostic). The model is indexed once per
 * DaxModel object: build a new one rather than changing its maps.
 */
export function daxReferences(
  expression: string,
  host: DaxHost,
  model: DaxModel,
  limits: Pick<AnalysisLimits, 'maxTextChars'> = DEFAULT_ANALYSIS_LIMITS,
): DaxReferencesResult {
  if (expression.length > limits.maxTextChars) {
    const message = `The DAX text has ${formatCount(expression.length)} characters, more than the ${formatCount(limits.maxTextChars)} the analysis reads.`;
    return { references: [], diagnostics: [{ kind: 'limit_exceeded', message }] };
  }
  const scan = new ReferenceScan(indexOf(model), host.table);
  return scan.run(expression);
}

/** Words that are never tables, whatever follows them. */
const OPERATOR_KEYWORDS = new Set(
  ['VAR', 'RETURN', 'IN', 'NOT', 'TRUE', 'FALSE', 'AND', 'OR', 'DEFINE', 'EVALUATE', 'ORDER', 'BY'].concat([
    'ASC',
    'DESC',
    'START',
    'AT',
    'MEASURE',
    'COLUMN',
    'TABLE',
    'FUNCTION',
  ]),
);

/**
 * Bare words that name an option in a function's arguments (`DATEADD(…, -1, YEAR)`, `DATATABLE`
 * types, `CROSSFILTER` directions, `RANKX` ties, window and visual-calculation axes). Not tables,
 * unless a `[name]` follows (a table so named).
 */
const ARGUMENT_KEYWORDS = new Set(
  ['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR', 'HOUR', 'MINUTE', 'SECOND']
    .concat(['INTEGER', 'INT64', 'DOUBLE', 'DECIMAL', 'CURRENCY', 'STRING', 'BOOLEAN', 'DATETIME', 'VARIANT'])
    .concat(['BOTH', 'NONE', 'ONEWAY', 'ONEWAY_LEFTFILTERSRIGHT', 'ONEWAY_RIGHTFILTERSLEFT'])
    .concat(['SKIP', 'DENSE', 'ABS', 'REL', 'KEEP', 'FIRST', 'LAST', 'DEFAULT', 'PARTITIONS'])
    .concat([
      'ROWS',
      'COLUMNS',
      'HIGHESTPARENT',
      'LOWESTPARENT',
      'SCALAR',
      'VAL',
      'EXPR',
      'ANYVAL',
      'ANYREF',
    ]),
);

/** Functions whose result has a column named by DAX itself, which a bare `[name]` then reads. */
const IMPLICIT_COLUMNS: ReadonlyMap<string, string> = new Map([
  ['GENERATESERIES', 'value'],
  ['CALENDAR', 'date'],
  ['CALENDARAUTO', 'date'],
]);

/** Unresolved references listed one by one; past this, one diagnostic counts the rest. */
const MAX_LISTED_UNRESOLVED = 100;

interface IndexedTable {
  name: string;
  columns: ReadonlyMap<string, string>;
}

interface ModelIndex {
  tables: ReadonlyMap<string, IndexedTable>;
  measures: ReadonlyMap<string, { name: string; table: string }>;
}

const modelIndexes = new WeakMap<DaxModel, ModelIndex>();

/** The model keyed by lower-cased names, built once per model object. */
function indexOf(model: DaxModel): ModelIndex {
  let index = modelIndexes.get(model);
  if (index === undefined) {
    const tables = new Map<string, IndexedTable>();
    for (const [name, columns] of model.tables) {
      tables.set(name.toLowerCase(), { name, columns: new Map(columns.map((c) => [c.toLowerCase(), c])) });
    }
    const measures = new Map<string, { name: string; table: string }>();
    for (const [name, table] of model.measures) measures.set(name.toLowerCase(), { name, table });
    index = { tables, measures };
    modelIndexes.set(model, index);
  }
  return index;
}

/** A token whose meaning depends on the next one: is `Sales` followed by `[`, `(` or neither? */
interface Pending {
  /** `name`: a bare name (table or function), `quoted`: `'Sales'`, `keyword`: see ARGUMENT_KEYWORDS. */
  kind: 'name' | 'quoted' | 'keyword' | 'variable' | 'string';
  text: string;
}

class ReferenceScan {
  private readonly references = new Map<string, DaxReference>();
  private readonly diagnostics = new Map<string, LineageDiagnostic>();
  private readonly unresolvedSeen = new Set<string>();
  private unlisted = 0;
  private readonly variables = new Set<string>();
  /** Lower-cased names of columns the expression itself adds (`ADDCOLUMNS(…, "Margin", …)`). */
  private readonly addedColumns = new Set<string>();
  private tableConstructor = false;
  /** Bare `[name]`s that are no measure nor host column, decided once every added column is known. */
  private readonly unresolvedBare = new Map<string, string>();
  private pending: Pending | undefined;
  private expectingVariableName = false;
  private readonly host: IndexedTable | undefined;

  constructor(
    private readonly model: ModelIndex,
    private readonly hostTable: string | undefined,
  ) {
    this.host = hostTable === undefined ? undefined : model.tables.get(hostTable.toLowerCase());
  }

  run(expression: string): DaxReferencesResult {
    const tokens = new DaxTokenizer(expression);
    for (let token = tokens.next(); token !== undefined; token = tokens.next()) this.take(token);
    this.settle(undefined);
    this.reportUnresolvedBare();
    if (tokens.unterminated !== undefined) {
      this.diagnose(
        'unparsable_expression',
        `The DAX text ends inside a ${tokens.unterminated}; nothing after its start is read.`,
      );
    }
    if (this.unlisted > 0) {
      this.diagnostics.set('unlisted', {
        kind: 'unresolved_reference',
        message: `${formatCount(this.unlisted)} more unresolved references are not listed.`,
      });
    }
    return { references: [...this.references.values()], diagnostics: [...this.diagnostics.values()] };
  }

  private take(token: DaxToken): void {
    if (this.settle(token)) return;
    const expectingVariableName = this.expectingVariableName;
    this.expectingVariableName = false;
    switch (token.kind) {
      case 'name':
        if (expectingVariableName) this.variables.add(token.text.toLowerCase());
        else this.takeName(token.text);
        return;
      case 'quoted':
        this.pending = { kind: 'quoted', text: token.text };
        return;
      case 'string':
        this.pending = { kind: 'string', text: token.text };
        return;
      case 'bracket':
        this.bareName(token.text);
        return;
      case 'symbol':
        if (token.text === '{') this.tableConstructor = true;
        return;
      case 'number':
        return;
    }
  }

  private takeName(name: string): void {
    const upper = name.toUpperCase();
    if (upper === 'VAR') this.expectingVariableName = true;
    else if (OPERATOR_KEYWORDS.has(upper)) return;
    else if (this.variables.has(name.toLowerCase())) this.pending = { kind: 'variable', text: name };
    else if (ARGUMENT_KEYWORDS.has(upper)) this.pending = { kind: 'keyword', text: name };
    else this.pending = { kind: 'name', text: name };
  }

  /** Decides the pending token now that `next` follows it; true when `next` was part of it. */
  private settle(next: DaxToken | undefined): boolean {
    const pending = this.pending;
    if (pending === undefined) return false;
    this.pending = undefined;
    const isBracket = next?.kind === 'bracket';
    const isCall = next?.kind === 'symbol' && next.text === '(';
    switch (pending.kind) {
      case 'string':
        if (next?.kind === 'symbol' && next.text === ',') this.addedColumns.add(pending.text.toLowerCase());
        return false;
      case 'variable':
        return isBracket;
      case 'keyword':
      case 'name':
      case 'quoted':
        if (isBracket) this.qualifiedName(pending.text, next.text);
        else if (isCall && pending.kind !== 'quoted') this.noteCall(pending.text);
        else if (pending.kind !== 'keyword') this.wholeTable(pending.text);
        return isBracket;
    }
  }

  private noteCall(name: string): void {
    const implicit = IMPLICIT_COLUMNS.get(name.toUpperCase());
    if (implicit !== undefined) this.addedColumns.add(implicit);
  }

  /** `Table[name]`: a column of the table, else a measure (DAX allows `Table[Measure]`). */
  private qualifiedName(tableName: string, name: string): void {
    const table = this.model.tables.get(tableName.toLowerCase());
    const asWritten = `${quotedTable(tableName)}${bracketed(name)}`;
    if (table === undefined) {
      this.add({ kind: 'column', table: tableName, column: name });
      this.unresolved(
        asWritten,
        `${asWritten}: the model has no table ${quotedTable(tableName)}; kept as written.`,
      );
      return;
    }
    const column = table.columns.get(name.toLowerCase());
    const measure = this.model.measures.get(name.toLowerCase());
    if (column !== undefined) this.add({ kind: 'column', table: table.name, column });
    else if (measure !== undefined)
      this.add({ kind: 'measure', table: measure.table, measure: measure.name });
    else {
      this.add({ kind: 'column', table: table.name, column: name });
      const message = `${asWritten}: ${quotedTable(table.name)} has no column or measure ${bracketed(name)} in the model; kept as written.`;
      this.unresolved(asWritten, message);
    }
  }

  /** A table name used as a table expression. */
  private wholeTable(tableName: string): void {
    const table = this.model.tables.get(tableName.toLowerCase());
    this.add({ kind: 'table', table: table?.name ?? tableName });
    if (table === undefined) {
      const asWritten = quotedTable(tableName);
      this.unresolved(asWritten, `${asWritten} is not a table of the model; kept as written.`);
    }
  }

  /** `[name]` alone: a measure of the model, else a column of the host table. */
  private bareName(name: string): void {
    const key = name.toLowerCase();
    const measure = this.model.measures.get(key);
    const column = this.host?.columns.get(key);
    if (measure !== undefined) this.add({ kind: 'measure', table: measure.table, measure: measure.name });
    else if (this.host !== undefined && column !== undefined)
      this.add({ kind: 'column', table: this.host.name, column });
    else if (!this.unresolvedBare.has(key)) this.unresolvedBare.set(key, name);
  }

  /** Bare names that are none of the model's are reported, unless the expression adds such a column. */
  private reportUnresolvedBare(): void {
    const where =
      this.hostTable === undefined
        ? 'no host table is given'
        : `nor a column of ${quotedTable(this.hostTable)}`;
    for (const [key, name] of this.unresolvedBare) {
      if (this.addedColumns.has(key) || (this.tableConstructor && /^value\d*$/.test(key))) continue;
      const asWritten = bracketed(name);
      this.unresolved(
        asWritten,
        `${asWritten} is not a measure of the model, ${where}; no reference is made for it.`,
      );
    }
  }

  private add(reference: DaxReference): void {
    const name =
      reference.kind === 'column' ? reference.column : reference.kind === 'measure' ? reference.measure : '';
    const key = `${reference.kind}\u0000${reference.table.toLowerCase()}\u0000${name.toLowerCase()}`;
    if (!this.references.has(key)) this.references.set(key, reference);
  }

  private unresolved(asWritten: string, message: string): void {
    const key = asWritten.toLowerCase();
    if (this.unresolvedSeen.has(key)) return;
    this.unresolvedSeen.add(key);
    if (this.unresolvedSeen.size > MAX_LISTED_UNRESOLVED) this.unlisted += 1;
    else
      this.diagnostics.set(`unresolved\u0000${key}`, {
        kind: 'unresolved_reference',
        message,
        parameter: asWritten,
      });
  }

  private diagnose(kind: LineageDiagnostic['kind'], message: string): void {
    this.diagnostics.set(kind, { kind, message });
  }
}

/** A table name as DAX writes it quoted: `'Sales Fact'`, `'O''Brien'`. */
function quotedTable(name: string): string {
  return `'${name.replaceAll("'", "''")}'`;
}

/** A column or measure name as DAX writes it: `[Qty]]x]` for `Qty]x`. */
function bracketed(name: string): string {
  return `[${name.replaceAll(']', ']]')}]`;
}
