/**
 * The dataset-level names an expression can refer to, with their M: queries and parameters (they
 * win on a clash), then the dataset's other tables (not a DAX calculated table: M cannot read
 * one). Every table of a dataset is analysed with the same lists, so the map is built once per
 * pair of lists, not once per table.
 */
import { looksLikeDax } from '../dax/dax.js';
import type { MExpressionInput, NamedExpression } from '../types.js';

export interface DatasetText {
  readonly text: string;
  readonly table: boolean;
}

const NONE: readonly NamedExpression[] = [];
const built = new WeakMap<
  readonly NamedExpression[],
  WeakMap<readonly NamedExpression[], Map<string, DatasetText>>
>();

export function datasetTexts(input: MExpressionInput): ReadonlyMap<string, DatasetText> {
  const tables = input.tables ?? NONE;
  const expressions = input.expressions ?? NONE;
  const byExpressions =
    built.get(tables) ?? new WeakMap<readonly NamedExpression[], Map<string, DatasetText>>();
  built.set(tables, byExpressions);
  const known = byExpressions.get(expressions);
  if (known !== undefined) return known;
  const texts = new Map<string, DatasetText>();
  for (const named of tables) {
    if (!looksLikeDax(named.expression)) texts.set(named.name, { text: named.expression, table: true });
  }
  for (const named of expressions) texts.set(named.name, { text: named.expression, table: false });
  byExpressions.set(expressions, texts);
  return texts;
}
