import { rngFrom, uuidFor } from '../random.js';
import { DATASET_SUFFIXES, REPORT_SUFFIXES, SUBJECTS } from './names.js';

/** Stable ids and names of artifacts, computable without generating the workspace. */
export const datasetId = (seed: number, ws: number, n: number): string => uuidFor(seed, ws, 'dataset', n);
export const reportId = (seed: number, ws: number, n: number): string => uuidFor(seed, ws, 'report', n);
export const dashboardId = (seed: number, ws: number, n: number): string => uuidFor(seed, ws, 'dashboard', n);
export const dataflowId = (seed: number, ws: number, n: number): string => uuidFor(seed, ws, 'dataflow', n);
export const datamartId = (seed: number, ws: number, n: number): string => uuidFor(seed, ws, 'datamart', n);

export function datasetName(seed: number, ws: number, n: number): string {
  const rng = rngFrom(seed, ws, 'dataset-name', n);
  return `${rng.pick(SUBJECTS)} ${rng.pick(DATASET_SUFFIXES)}`;
}

export function reportName(seed: number, ws: number, datasetName: string, n: number): string {
  const rng = rngFrom(seed, ws, 'report-name', n);
  return `${datasetName.replace(/ (Model|Dataset|DW|Semantic Model|Mart|Cube)$/, '')} ${rng.pick(REPORT_SUFFIXES)}`;
}

export function dataflowName(seed: number, ws: number, n: number): string {
  const rng = rngFrom(seed, ws, 'dataflow-name', n);
  return rng.pick(['Customers', 'Orders (staging)', 'Products', 'Calendar', 'Employees', 'Ledger', 'Leads']);
}
