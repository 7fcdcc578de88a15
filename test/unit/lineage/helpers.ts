import { extractMLineage, type MExpressionInput, type MLineageResult } from '../../../src/lineage/index.js';

export async function lineageOf(
  expression: string,
  extra: Omit<MExpressionInput, 'expression'> = {},
): Promise<MLineageResult> {
  return extractMLineage({ expression, ...extra });
}

/** `platform:qualifiedName` of each upstream, in output order. */
export async function edgesOf(
  expression: string,
  extra: Omit<MExpressionInput, 'expression'> = {},
): Promise<string[]> {
  const result = await lineageOf(expression, extra);
  return result.upstreams.map((ref) => `${ref.platform}:${ref.qualifiedName}`);
}

export async function diagnosticKinds(
  expression: string,
  extra: Omit<MExpressionInput, 'expression'> = {},
): Promise<string[]> {
  const result = await lineageOf(expression, extra);
  return result.diagnostics.map((d) => d.kind);
}
