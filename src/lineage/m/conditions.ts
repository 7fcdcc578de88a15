/**
 * Conditions the walker can decide statically: `=`/`<>` between known texts, logicals and nulls,
 * `and`/`or`/`not` over known logicals (M's `and`/`or` short-circuit, so one known side can
 * decide). Anything else is undecided and every branch of the `if` is kept.
 */
import * as PQP from '@microsoft/powerquery-parser';
import type { MValue } from './values.js';

type Scalar = { kind: 'text'; text: string } | { kind: 'logical'; value: boolean } | { kind: 'null' };

function scalarOf(value: MValue): Scalar | undefined {
  return value.kind === 'text' || value.kind === 'logical' || value.kind === 'null' ? value : undefined;
}

function sameScalar(left: Scalar, right: Scalar): boolean {
  if (left.kind !== right.kind) return false;
  if (left.kind === 'text' && right.kind === 'text') return left.text === right.text;
  if (left.kind === 'logical' && right.kind === 'logical') return left.value === right.value;
  return true;
}

/** `left = right` or `left <> right` when both sides are known; M compares text ordinally. */
export function decideEquality(
  operator: PQP.Language.Constant.EqualityOperator,
  left: MValue,
  right: MValue,
): boolean | undefined {
  const a = scalarOf(left);
  const b = scalarOf(right);
  if (a === undefined || b === undefined) return undefined;
  const equal = sameScalar(a, b);
  return operator === PQP.Language.Constant.EqualityOperator.EqualTo ? equal : !equal;
}

export function knownLogical(value: MValue): boolean | undefined {
  return value.kind === 'logical' ? value.value : undefined;
}

/** `and`/`or`: decided when both sides are known, or when one side alone settles it. */
export function decideLogical(
  operator: PQP.Language.Constant.LogicalOperator,
  left: MValue,
  right: MValue,
): boolean | undefined {
  const a = knownLogical(left);
  const b = knownLogical(right);
  const settles = operator === PQP.Language.Constant.LogicalOperator.And ? false : true;
  if (a === settles || b === settles) return settles;
  if (a === undefined || b === undefined) return undefined;
  return !settles;
}
