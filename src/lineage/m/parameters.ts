/**
 * Dataset-level names: parameters (`"value" meta [IsParameterQuery=true]`, or given explicitly, which
 * wins), shared queries (loaded or not) and the other tables of the dataset, which table
 * expressions refer to by name. A table read this way adds a `model_table` reference.
 */
import type { MAst, ParseOutcome } from './parse-m.js';
import { repairDiagnostic } from './repair-diagnostic.js';
import type { LineageDiagnostic, UpstreamReference } from '../types.js';
import { tableColumns } from './columns.js';
import { mergeRefs, opaque, tableValue, text, type MValue } from './values.js';
import type { Globals } from './walker.js';

/** A dataset-level name's parsed M, and whether it is a table of the dataset (else a query). */
export interface DatasetName {
  readonly outcome: ParseOutcome;
  readonly table: boolean;
  /** The table whose expression is being analysed: a reference to it is a cycle. */
  readonly self?: boolean;
}

function modelTableReference(name: string): UpstreamReference {
  return {
    platform: 'powerbi',
    server: null,
    database: null,
    schema: null,
    table: name,
    qualifiedName: name.toLowerCase(),
    kind: 'model_table',
  };
}

interface Entry {
  value?: MValue;
  busy?: boolean;
}

/**
 * Another table's value, as read by this one: its warehouse references plus the table itself (the
 * tables that one reads are its own edges, not this one's); its columns are that model table's
 * columns (their own lineage is that table's).
 */
function asModelTable(value: MValue, table: UpstreamReference): MValue {
  const refs = mergeRefs(
    value.refs.filter((ref) => ref.kind !== 'model_table'),
    [table],
  );
  return value.kind === 'opaque' ? tableValue(refs, tableColumns([table])) : { ...value, refs };
}

export class DatasetGlobals implements Globals {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly parsed: ReadonlyMap<string, DatasetName>,
    private readonly parameters: Readonly<Record<string, string>>,
  ) {}

  lookup(
    name: string,
    evaluate: (ast: MAst) => MValue,
    report: (d: LineageDiagnostic) => void,
  ): MValue | undefined {
    if (Object.prototype.hasOwnProperty.call(this.parameters, name)) return text(this.parameters[name] ?? '');
    const named = this.parsed.get(name);
    if (named === undefined) return undefined;
    const outcome = named.outcome;
    const entry = this.entries.get(name) ?? {};
    this.entries.set(name, entry);
    if (entry.value !== undefined) return entry.value;
    if (entry.busy === true || named.self === true) {
      report({
        kind: 'cyclic_reference',
        parameter: name,
        message: `${named.table ? 'Table' : 'Query'} "${name}" refers back to itself.`,
      });
      return named.table && named.self !== true ? opaque([modelTableReference(name)]) : opaque();
    }
    if (!outcome.ok) {
      report(
        outcome.limitExceeded
          ? {
              kind: 'limit_exceeded',
              parameter: name,
              message: `Dataset expression "${name}" was not analysed: ${outcome.message}`,
            }
          : {
              kind: 'unparsable_expression',
              parameter: name,
              message: `Dataset expression "${name}" is not valid M: ${outcome.message}`,
            },
      );
      entry.value = named.table ? opaque([modelTableReference(name)]) : opaque();
      return entry.value;
    }
    outcome.repairs.forEach((repair) => report(repairDiagnostic(repair, name)));
    entry.busy = true;
    const value = evaluate(outcome.ast);
    entry.busy = false;
    entry.value = named.table ? asModelTable(value, modelTableReference(name)) : value;
    return entry.value;
  }
}
