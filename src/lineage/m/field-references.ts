/**
 * The row fields a function reads: `[Amount]` and `_[Amount]` in `each ...`, `r[Amount]` in
 * `(r) => ...`, and projections `[[A], [B]]`. A field of anything else (`Other[Col]`) is not a field
 * of the row. Iterative, as bodies can nest deeply.
 */
import * as PQP from '@microsoft/powerquery-parser';
import { decodeMIdentifier } from './m-string.js';

type TNode = PQP.Language.Ast.TNode;
const NodeKind = PQP.Language.Ast.NodeKind;

function isNode(value: unknown): value is TNode {
  return (
    typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string'
  );
}

function selectedNames(node: PQP.Language.Ast.FieldSelector | PQP.Language.Ast.FieldProjection): string[] {
  if (node.kind === NodeKind.FieldSelector) return [decodeMIdentifier(node.content.literal)];
  return node.content.elements.map((csv) => decodeMIdentifier(csv.node.content.literal));
}

/** Fields of the row the function's parameters (or `_`) stand for, in first-seen order. */
export function rowFieldReferences(body: unknown, rowNames: readonly string[]): string[] {
  const found = new Set<string>();
  const rows = new Set(rowNames);
  const pending: TNode[] = isNode(body) ? [body] : [];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (node.kind === NodeKind.FieldSelector || node.kind === NodeKind.FieldProjection) {
      // Standalone: a field of the implicit `_`.
      if (rows.has('_')) selectedNames(node).forEach((name) => found.add(name));
      continue;
    }
    if (node.kind === NodeKind.RecursivePrimaryExpression) {
      const [first, ...others] = node.recursiveExpressions.elements;
      const head = node.head;
      const ofRow =
        head.kind === NodeKind.IdentifierExpression && rows.has(decodeMIdentifier(head.identifier.literal));
      if (
        ofRow &&
        first !== undefined &&
        (first.kind === NodeKind.FieldSelector || first.kind === NodeKind.FieldProjection)
      ) {
        selectedNames(first).forEach((name) => found.add(name));
      } else {
        pending.push(head);
        if (
          first !== undefined &&
          first.kind !== NodeKind.FieldSelector &&
          first.kind !== NodeKind.FieldProjection
        )
          pending.push(first);
      }
      for (const step of others)
        if (step.kind !== NodeKind.FieldSelector && step.kind !== NodeKind.FieldProjection)
          pending.push(step);
      continue;
    }
    // Children go on the stack last first, so fields come out in the order they are written.
    const children: TNode[] = [];
    for (const [key, value] of Object.entries(node)) {
      if (key === 'tokenRange') continue;
      if (Array.isArray(value)) {
        for (const item of value as unknown[]) if (isNode(item)) children.push(item);
      } else if (isNode(value)) {
        children.push(value);
      }
    }
    for (let index = children.length - 1; index >= 0; index -= 1) pending.push(children[index] as TNode);
  }
  return [...found];
}
