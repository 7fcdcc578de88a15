import type { ServerResponse } from 'node:http';
import type { Tenant } from '../tenant/tenant.js';
import { viewWorkspace } from '../tenant/scan-view.js';
import type { DatasourceInstance } from '../tenant/types.js';
import { pbiHeaders, writeChunk } from './http.js';
import type { Scan } from './scans.js';

/**
 * Writes a scan result one workspace at a time (chunked), so memory holds one workspace, not
 * the scan: a workspace is generated, serialized, written, and dropped before the next.
 */
export async function streamScanResult(res: ServerResponse, tenant: Tenant, scan: Scan): Promise<void> {
  res.writeHead(200, pbiHeaders());
  const instances = new Map<string, DatasourceInstance>();
  const misconfigured = new Map<string, DatasourceInstance>();
  await writeChunk(res, '{"workspaces":[');
  let first = true;
  for (const { index, revision } of scan.workspaces) {
    const built = tenant.build(index, revision);
    const view = viewWorkspace(built.workspace, scan.flags, scan.settings);
    await writeChunk(res, (first ? '' : ',') + JSON.stringify(view));
    first = false;
    for (const d of built.datasources) instances.set(d.datasourceId, d);
    for (const d of built.misconfigured) misconfigured.set(d.datasourceId, d);
  }
  let tail = ']';
  if (scan.flags.datasourceDetails) {
    tail += `,"datasourceInstances":${JSON.stringify([...instances.values()])}`;
    tail += `,"misconfiguredDatasourceInstances":${JSON.stringify([...misconfigured.values()])}`;
  }
  await writeChunk(res, `${tail}}`);
  res.end();
}
