/**
 * Where a scanned workspace lists its Fabric items: every array of objects with an id that no
 * other stream maps (Lakehouse, warehouses, SQLAnalyticsEndpoint, Notebook, ... and types that do
 * not exist yet), so a new item type reaches fabric_items, artifact_access and lineage unchanged.
 */
import type { ScanFabricItem, ScanWorkspace } from '../powerbi/scan-types.js';
import { text } from './values.js';

/** Workspace keys other streams map (compared lower-cased). */
const MAPPED_ELSEWHERE = new Set(['reports', 'dashboards', 'datasets', 'dataflows', 'datamarts', 'users']);

/**
 * Scan keys (lower-cased) → Fabric item type names. The scanner names some arrays after the type
 * (Lakehouse, SQLAnalyticsEndpoint) and some in plural camelCase (warehouses); both land on the type.
 */
const TYPE_BY_KEY: Readonly<Record<string, string>> = {
  lakehouse: 'Lakehouse',
  lakehouses: 'Lakehouse',
  warehouse: 'Warehouse',
  warehouses: 'Warehouse',
  sqlanalyticsendpoint: 'SQLAnalyticsEndpoint',
  sqlanalyticsendpoints: 'SQLAnalyticsEndpoint',
  notebook: 'Notebook',
  notebooks: 'Notebook',
  datapipeline: 'DataPipeline',
  datapipelines: 'DataPipeline',
  eventhouse: 'Eventhouse',
  eventhouses: 'Eventhouse',
  kqldatabase: 'KQLDatabase',
  kqldatabases: 'KQLDatabase',
  kqlqueryset: 'KQLQueryset',
  kqlquerysets: 'KQLQueryset',
  eventstream: 'Eventstream',
  eventstreams: 'Eventstream',
  environment: 'Environment',
  environments: 'Environment',
  sparkjobdefinition: 'SparkJobDefinition',
  sparkjobdefinitions: 'SparkJobDefinition',
  mlmodel: 'MLModel',
  mlmodels: 'MLModel',
  mlexperiment: 'MLExperiment',
  mlexperiments: 'MLExperiment',
  dataflowgen2: 'DataflowGen2',
  dataflowsgen2: 'DataflowGen2',
  mirroreddatabase: 'MirroredDatabase',
  mirroreddatabases: 'MirroredDatabase',
  sqldatabase: 'SQLDatabase',
  sqldatabases: 'SQLDatabase',
};

export interface FabricItemArray {
  /** The workspace key as the scan spells it. */
  scanArray: string;
  /** The normalised item type (the key itself when unknown). */
  type: string;
  items: readonly ScanFabricItem[];
}

export function fabricItemType(scanArray: string): string {
  return TYPE_BY_KEY[scanArray.toLowerCase()] ?? scanArray;
}

function isItem(value: unknown): value is ScanFabricItem {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Arrays with at least one object carrying a string id; other entries of such an array are skipped. */
export function fabricItemArrays(ws: ScanWorkspace): FabricItemArray[] {
  const arrays: FabricItemArray[] = [];
  for (const [key, value] of Object.entries(ws)) {
    if (MAPPED_ELSEWHERE.has(key.toLowerCase()) || !Array.isArray(value)) continue;
    const items = (value as unknown[]).filter(isItem).filter((item) => text(item.id) !== null);
    if (items.length > 0) arrays.push({ scanArray: key, type: fabricItemType(key), items });
  }
  return arrays;
}
