/** Deterministic output: one reference per table, stable order; diagnostics once each. */
import { referenceKey as identity } from '../reference.js';
import type { LineageDiagnostic, UpstreamReference } from '../types.js';

function compare(a: UpstreamReference, b: UpstreamReference): number {
  const keyA = identity(a);
  const keyB = identity(b);
  if (keyA !== keyB) return keyA < keyB ? -1 : 1;
  // Same table: one read whatever a condition says beats an alternative; then the navigation form
  // over the native-query form, then by function name.
  const alternativeA = a.alternative === true ? 1 : 0;
  const alternativeB = b.alternative === true ? 1 : 0;
  if (alternativeA !== alternativeB) return alternativeA - alternativeB;
  const nativeA = a.nativeQuery === true ? 1 : 0;
  const nativeB = b.nativeQuery === true ? 1 : 0;
  if (nativeA !== nativeB) return nativeA - nativeB;
  return (a.via ?? '').localeCompare(b.via ?? '');
}

export function dedupeReferences(references: readonly UpstreamReference[]): UpstreamReference[] {
  const sorted = [...references].sort(compare);
  const seen = new Set<string>();
  return sorted.filter((reference) => {
    const key = identity(reference);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function dedupeDiagnostics(diagnostics: readonly LineageDiagnostic[]): LineageDiagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((diagnostic) => {
    const key = [
      diagnostic.kind,
      diagnostic.functionName ?? '',
      diagnostic.parameter ?? '',
      diagnostic.message,
    ].join('\u0000');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
