/**
 * The names an M expression refers to without binding them itself: what a `let` step depends on.
 * Function parameters, the `_` of `each` and the steps of an inner `let` are bound inside; the
 * names of record fields and field accesses are not references. Iterative, since expressions can
 * nest deeply.
 */
import * as PQP from '@microsoft/powerquery-parser';
import { decodeMIdentifier } from './m-string.js';
import type { MAst } from './parse-m.js';

type TNode = PQP.Language.Ast.TNode;
const NodeKind = PQP.Language.Ast.NodeKind;

const NONE: ReadonlySet<string> = new Set();

function isNode(value: unknown): value is TNode {
  return (
    typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string'
  );
}

function elementsOf<T>(wrapper: { elements: ReadonlyArray<{ node: T }> }): T[] {
  return wrapper.elements.map((csv) => csv.node);
}

function extend(bound: ReadonlySet<string>, names: readonly string[]): ReadonlySet<string> {
  return names.length === 0 ? bound : new Set([...bound, ...names]);
}

export function freeNames(root: MAst): Set<string> {
  const names = new Set<string>();
  const pending: { node: TNode; bound: ReadonlySet<string> }[] = [{ node: root, bound: NONE }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { node, bound } = next;
    if (node.kind === NodeKind.IdentifierExpression) {
      const name = decodeMIdentifier(node.identifier.literal);
      if (!bound.has(name)) names.add(name);
    } else if (node.kind === NodeKind.FunctionExpression) {
      const params = elementsOf(node.parameters.content).map((param) =>
        decodeMIdentifier(param.name.literal),
      );
      pending.push({ node: node.expression, bound: extend(bound, params) });
    } else if (node.kind === NodeKind.EachExpression) {
      pending.push({ node: node.paired, bound: extend(bound, ['_']) });
    } else if (node.kind === NodeKind.LetExpression) {
      const pairs = elementsOf(node.variableList);
      const inner = extend(
        bound,
        pairs.map((pair) => decodeMIdentifier(pair.key.literal)),
      );
      for (const pair of pairs) pending.push({ node: pair.value, bound: inner });
      pending.push({ node: node.expression, bound: inner });
    } else {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'tokenRange') continue;
        if (Array.isArray(value)) {
          for (const item of value as unknown[]) if (isNode(item)) pending.push({ node: item, bound });
        } else if (isNode(value)) {
          pending.push({ node: value, bound });
        }
      }
    }
  }
  return names;
}
