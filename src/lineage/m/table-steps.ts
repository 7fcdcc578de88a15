/**
 * How the Table.* steps of Power Query change a table's columns (see columns.ts). A step not
 * listed here hides the columns of its result (opaque, naming the step): never a guess.
 * https://learn.microsoft.com/powerquery-m/table-functions
 */
import {
  columnOf,
  derivedFrom,
  onlyColumns,
  opaqueColumns,
  renamed,
  unionOfColumns,
  withColumn,
  withoutColumns,
  type ColumnInfo,
  type ColumnSet,
} from './columns.js';
import type { MValue } from './values.js';

export interface StepContext {
  /** The columns of a table value, when they are followed. */
  columnsOf(value: MValue | undefined): ColumnSet | undefined;
  /** A text, or a list of texts, as a list; undefined when not known statically. */
  names(value: MValue | undefined): string[] | undefined;
  /** Pairs `{{"a","b"},{"c","d"}}` or one pair `{"a","b"}`. */
  pairs(value: MValue | undefined): [string, string][] | undefined;
  /** The row fields a function value reads; undefined when it is not a function of ours. */
  rowFields(value: MValue | undefined): string[] | undefined;
  /** The items of a list value. */
  items(value: MValue | undefined): readonly MValue[] | undefined;
}

type Step = (args: readonly MValue[], table: ColumnSet, ctx: StepContext, name: string) => ColumnSet;

const unknownArgument = (name: string, role: string): ColumnSet =>
  opaqueColumns(`${name}: its ${role} is not known before refresh`);

function opaqueInfo(reason: string): ColumnInfo {
  return { origins: [], transformation: 'identity', opaque: reason };
}

function read(table: ColumnSet, column: string, step: string): ColumnInfo {
  return (
    columnOf(table, column) ?? opaqueInfo(`${step} reads "${column}", which the table is not known to have`)
  );
}

const sameColumns: Step = (_args, table) => table;

const selectColumns: Step = (args, table, ctx, name) => {
  const names = ctx.names(args[1]);
  return names === undefined ? unknownArgument(name, 'column list') : onlyColumns(table, names, name);
};

const removeColumns: Step = (args, table, ctx, name) => {
  const names = ctx.names(args[1]);
  return names === undefined ? unknownArgument(name, 'column list') : withoutColumns(table, names);
};

const renameColumns: Step = (args, table, ctx, name) => {
  const pairs = ctx.pairs(args[1]);
  if (pairs === undefined) return unknownArgument(name, 'list of renames');
  const moved = pairs.map(([from, to]) => [to, renamed(read(table, from, name))] as const);
  let result = withoutColumns(
    table,
    pairs.map(([from]) => from),
  );
  for (const [to, info] of moved) result = withColumn(result, to, info);
  return result;
};

const duplicateColumn: Step = (args, table, ctx, name) => {
  const [from] = ctx.names(args[1]) ?? [];
  const [to] = ctx.names(args[2]) ?? [];
  if (from === undefined || to === undefined) return unknownArgument(name, 'column names');
  return withColumn(table, to, read(table, from, name));
};

const addColumn: Step = (args, table, ctx, name) => {
  const [column] = ctx.names(args[1]) ?? [];
  if (column === undefined) return unknownArgument(name, 'new column name');
  const fields = ctx.rowFields(args[2]);
  const info =
    fields === undefined
      ? opaqueInfo(`${name} computes "${column}" with a function this analysis cannot read`)
      : derivedFrom(fields.map((field) => read(table, field, name)));
  return withColumn(table, column, info);
};

const addIndexColumn: Step = (args, table, ctx, name) => {
  const [column] = ctx.names(args[1]) ?? [];
  return column === undefined
    ? unknownArgument(name, 'new column name')
    : withColumn(table, column, { origins: [], transformation: 'derived' });
};

const nestedJoin: Step = (args, table, ctx, name) => {
  const [column] = ctx.names(args[4]) ?? [];
  if (column === undefined) return unknownArgument(name, 'new column name');
  const nested =
    ctx.columnsOf(args[2]) ?? opaqueColumns(`${name} joins a table whose columns are not followed`);
  return withColumn(table, column, { origins: [], transformation: 'identity', nested });
};

const expandColumn: Step = (args, table, ctx, name) => {
  const [column] = ctx.names(args[1]) ?? [];
  const names = ctx.names(args[2]);
  if (column === undefined || names === undefined) return unknownArgument(name, 'columns to expand');
  const newNames = ctx.names(args[3]) ?? [];
  const nested = columnOf(table, column)?.nested;
  let result = withoutColumns(table, [column]);
  names.forEach((field, index) => {
    const info =
      nested === undefined
        ? opaqueInfo(`${name} expands "${column}", whose fields are not followed`)
        : read(nested, field, name);
    const target = newNames[index] ?? field;
    result = withColumn(result, target, target === field ? info : renamed(info));
  });
  return result;
};

const join: Step = (args, table, ctx, name) => {
  const other = ctx.columnsOf(args[2]);
  if (other === undefined) return opaqueColumns(`${name} joins a table whose columns are not followed`);
  const restOf = (set: ColumnSet) => set.rest.kind;
  if (restOf(table) === 'passthrough' && restOf(other) === 'passthrough')
    return opaqueColumns(`${name}: a column of the joined tables could come from either`);
  return unionOfColumns([table, other]);
};

const combine: Step = (args, _table, ctx, name) => {
  const items = ctx.items(args[0]);
  if (items === undefined) return unknownArgument(name, 'list of tables');
  const sets = items.map(
    (item) => ctx.columnsOf(item) ?? opaqueColumns(`${name} appends a table whose columns are not followed`),
  );
  return sets.length === 0 ? opaqueColumns(`${name} of no tables`) : unionOfColumns(sets);
};

/** Table.Group(table, keys, {{"Name", each List.Sum([Amount]), type number}, ...}) */
const group: Step = (args, table, ctx, name) => {
  const keys = ctx.names(args[1]);
  const aggregations = ctx.items(args[2]);
  if (keys === undefined || aggregations === undefined) return unknownArgument(name, 'keys or aggregations');
  let result = onlyColumns(table, keys, name);
  // One aggregation may be given without the outer list: {"Name", each ..., type}.
  const first = aggregations[0];
  const list =
    first !== undefined && first.kind === 'text'
      ? [{ kind: 'list', items: aggregations, refs: [] } as MValue]
      : aggregations;
  for (const aggregation of list) {
    const parts = ctx.items(aggregation);
    const [column] = ctx.names(parts?.[0]) ?? [];
    if (column === undefined) return unknownArgument(name, 'aggregation names');
    const fields = ctx.rowFields(parts?.[1]);
    const info =
      fields === undefined
        ? opaqueInfo(`${name} aggregates "${column}" with a function this analysis cannot read`)
        : derivedFrom(
            fields.map((field) => read(table, field, name)),
            'aggregated',
          );
    result = withColumn(result, column, info);
  }
  return result;
};

const combineColumns: Step = (args, table, ctx, name) => {
  const columns = ctx.names(args[1]);
  const [column] = ctx.names(args[3]) ?? [];
  if (columns === undefined || column === undefined) return unknownArgument(name, 'columns');
  const info = derivedFrom(columns.map((source) => read(table, source, name)));
  return withColumn(withoutColumns(table, columns), column, info);
};

const splitColumn: Step = (args, table, ctx, name) => {
  const [column] = ctx.names(args[1]) ?? [];
  const names = ctx.names(args[3]);
  if (column === undefined || names === undefined)
    return opaqueColumns(`${name}: the names of the split columns are not known before refresh`);
  const info = derivedFrom([read(table, column, name)]);
  let result = withoutColumns(table, [column]);
  for (const target of names) result = withColumn(result, target, info);
  return result;
};

/** Columns keep what they are; rows are filtered, sorted, typed, replaced or reordered. */
const ROW_STEPS = [
  'Table.SelectRows',
  'Table.Sort',
  'Table.Distinct',
  'Table.FirstN',
  'Table.LastN',
  'Table.Skip',
  'Table.RemoveFirstN',
  'Table.RemoveLastN',
  'Table.Range',
  'Table.Buffer',
  'Table.StopFolding',
  'Table.RemoveRowsWithErrors',
  'Table.SelectRowsWithErrors',
  'Table.ReplaceValue',
  'Table.ReplaceErrorValues',
  'Table.FillDown',
  'Table.FillUp',
  'Table.TransformColumnTypes',
  'Table.TransformColumns',
  'Table.ReorderColumns',
  'Table.RemoveMatchingRows',
  'Table.RemoveRows',
  'Table.InsertRows',
  'Table.AlternateRows',
  'Table.Repeat',
  'Table.ReverseRows',
  'Table.AddKey',
  'Table.ReplaceKeys',
  'Table.MaxN',
  'Table.MinN',
  'Table.ExpandListColumn',
  'Table.ReplaceRows',
];

const STEPS: Readonly<Record<string, Step>> = {
  ...Object.fromEntries(ROW_STEPS.map((name) => [name, sameColumns])),
  'Table.SelectColumns': selectColumns,
  'Table.RemoveColumns': removeColumns,
  'Table.RenameColumns': renameColumns,
  'Table.DuplicateColumn': duplicateColumn,
  'Table.AddColumn': addColumn,
  'Table.AddIndexColumn': addIndexColumn,
  'Table.NestedJoin': nestedJoin,
  'Table.ExpandTableColumn': expandColumn,
  'Table.ExpandRecordColumn': expandColumn,
  'Table.Join': join,
  'Table.Group': group,
  'Table.CombineColumns': combineColumns,
  'Table.SplitColumn': splitColumn,
};

/** The columns of a Table.* call's result; undefined when its table argument's columns are not followed. */
export function columnsAfterStep(
  name: string,
  args: readonly MValue[],
  ctx: StepContext,
): ColumnSet | undefined {
  if (name === 'Table.Combine') return combine(args, opaqueColumns(''), ctx, name);
  const table = ctx.columnsOf(args[0]);
  if (table === undefined) return undefined;
  const step = STEPS[name];
  if (step === undefined)
    return opaqueColumns(`${name} is a step whose effect on columns this analysis does not follow`);
  return step(args, table, ctx, name);
}
