import type { ScanDataset, ScanFlags, ScanTable, ScanWorkspace, TenantSettings } from './types.js';

/**
 * What a scan returns for the getInfo flags and tenant settings.
 * Flags: https://learn.microsoft.com/rest/api/power-bi/admin/workspace-info-post-workspace-info
 * Settings: https://learn.microsoft.com/fabric/admin/metadata-scanning-setup (without "detailed
 * metadata" no tables/columns/measures; without "DAX and mashup expressions" no expressions).
 */
interface Allowed {
  users: boolean;
  lineage: boolean;
  usages: boolean;
  schema: boolean;
  expressions: boolean;
}

function allowed(flags: ScanFlags, settings: TenantSettings): Allowed {
  const schema = flags.datasetSchema && settings.enhancedMetadata;
  return {
    users: flags.getArtifactUsers,
    lineage: flags.lineage,
    usages: flags.lineage || flags.datasourceDetails,
    schema,
    expressions: schema && flags.datasetExpressions && settings.enhancedMetadata && settings.daxAndMashup,
  };
}

function without<T extends object>(value: T, keys: readonly string[]): T {
  const copy = { ...value } as Record<string, unknown>;
  for (const key of keys) delete copy[key];
  return copy as T;
}

const LINEAGE_KEYS = ['upstreamDataflows', 'upstreamDatasets', 'upstreamDatamarts', 'relations'] as const;
const USAGE_KEYS = ['datasourceUsages', 'misconfiguredDatasourceUsages'] as const;

function dropKeys(a: Allowed): string[] {
  return [...(a.users ? [] : ['users']), ...(a.lineage ? [] : LINEAGE_KEYS), ...(a.usages ? [] : USAGE_KEYS)];
}

function viewTable(table: ScanTable, a: Allowed): ScanTable {
  if (a.expressions) return table;
  const copy = without(table, ['source']);
  copy.columns = table.columns.map((c) => without(c, ['expression']));
  if (table.measures) copy.measures = table.measures.map((m) => without(m, ['expression']));
  return copy;
}

function viewDataset(dataset: ScanDataset, a: Allowed): ScanDataset {
  const copy = without(dataset, [
    ...dropKeys(a),
    ...(a.schema ? [] : ['tables', 'roles']),
    ...(a.expressions ? [] : ['expressions']),
  ]);
  if (a.schema && dataset.tables) copy.tables = dataset.tables.map((t) => viewTable(t, a));
  if (a.schema && !a.expressions && dataset.roles) {
    copy.roles = dataset.roles.map((r) => ({
      ...r,
      tablePermissions: r.tablePermissions.map((p) => without(p, ['filterExpression'])),
    }));
  }
  return copy;
}

export function viewWorkspace(ws: ScanWorkspace, flags: ScanFlags, settings: TenantSettings): ScanWorkspace {
  const a = allowed(flags, settings);
  const drop = dropKeys(a);
  const view = without(ws, a.users ? [] : ['users']);
  view.reports = ws.reports.map((r) => without(r, drop));
  view.dashboards = ws.dashboards.map((d) => without(d, [...drop, ...(a.lineage ? [] : ['tiles'])]));
  view.datasets = ws.datasets.map((d) => viewDataset(d, a));
  view.dataflows = ws.dataflows.map((d) => without(d, drop));
  view.datamarts = ws.datamarts.map((d) => without(d, drop));
  // Fabric item arrays (simulator/tenant/fabric-items.ts): users and relations follow the same flags.
  const known = new Set(['reports', 'dashboards', 'datasets', 'dataflows', 'datamarts', 'users']);
  const extra = view as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(ws))
    if (!known.has(key) && Array.isArray(value))
      extra[key] = (value as object[]).map((item) => without(item, drop));
  return view;
}
