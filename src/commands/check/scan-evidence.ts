import type { ScanDataset, ScanWorkspace } from '../../powerbi/scan-types.js';

/** What a test scan says about the two optional tenant settings. */
export interface ScanEvidence {
  workspaces: number;
  datasets: number;
  /** Datasets whose tables came back ("Enhance admin APIs responses with detailed metadata"). */
  datasetsWithTables: number;
  /** Of those, datasets with a DAX or M expression ("… with DAX and mashup expressions"). */
  datasetsWithExpressions: number;
}

export function emptyEvidence(): ScanEvidence {
  return { workspaces: 0, datasets: 0, datasetsWithTables: 0, datasetsWithExpressions: 0 };
}

const present = (text: string | null | undefined): boolean => typeof text === 'string' && text.length > 0;

function hasExpression(dataset: ScanDataset): boolean {
  if ((dataset.expressions ?? []).some((e) => present(e.expression))) return true;
  return (dataset.tables ?? []).some(
    (table) =>
      (table.source ?? []).some((s) => present(s.expression)) ||
      (table.measures ?? []).some((m) => present(m.expression)) ||
      (table.columns ?? []).some((c) => present(c.expression)),
  );
}

export function addWorkspace(evidence: ScanEvidence, workspace: ScanWorkspace): ScanEvidence {
  const datasets = workspace.datasets ?? [];
  const withTables = datasets.filter((d) => (d.tables ?? []).length > 0);
  return {
    workspaces: evidence.workspaces + 1,
    datasets: evidence.datasets + datasets.length,
    datasetsWithTables: evidence.datasetsWithTables + withTables.length,
    datasetsWithExpressions: evidence.datasetsWithExpressions + withTables.filter(hasExpression).length,
  };
}
