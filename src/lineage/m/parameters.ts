/**
 * Dataset-level names: parameters (`"value" meta [IsParameterQuery=true]`, or given explicitly, which
 * wins) and shared queries (loaded or not) that table expressions refer to by name.
 */
import type { MAst, ParseOutcome } from './parse-m.js';
import { repairDiagnostic } from './repair-diagnostic.js';
import type { LineageDiagnostic } from '../types.js';
import { opaque, text, type MValue } from './values.js';
import type { Globals } from './walker.js';

interface Entry {
  value?: MValue;
  busy?: boolean;
}

export class DatasetGlobals implements Globals {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly parsed: ReadonlyMap<string, ParseOutcome>,
    private readonly parameters: Readonly<Record<string, string>>,
  ) {}

  lookup(
    name: string,
    evaluate: (ast: MAst) => MValue,
    report: (d: LineageDiagnostic) => void,
  ): MValue | undefined {
    if (Object.prototype.hasOwnProperty.call(this.parameters, name)) return text(this.parameters[name] ?? '');
    const outcome = this.parsed.get(name);
    if (outcome === undefined) return undefined;
    const entry = this.entries.get(name) ?? {};
    this.entries.set(name, entry);
    if (entry.value !== undefined) return entry.value;
    if (entry.busy === true) {
      report({
        kind: 'cyclic_reference',
        parameter: name,
        message: `Query "${name}" refers back to itself.`,
      });
      return opaque();
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
      entry.value = opaque();
      return entry.value;
    }
    outcome.repairs.forEach((repair) => report(repairDiagnostic(repair, name)));
    entry.busy = true;
    entry.value = evaluate(outcome.ast);
    entry.busy = false;
    return entry.value;
  }
}
