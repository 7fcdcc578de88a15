import type { ServerResponse } from 'node:http';
import type { Tenant } from '../tenant/tenant.js';
import { viewWorkspace } from '../tenant/scan-view.js';
import type { DatasourceInstance } from '../tenant/types.js';
import type { PayloadCorruptions } from '../payload-corruption.js';
import { writeHostileMember, type HostileField } from '../hostile-payloads.js';
import { pbiHeaders, writeChunk } from './http.js';
import type { Scan } from './scans.js';

/**
 * Writes a scan result one workspace at a time (chunked), so memory holds one workspace, not
 * the scan: a workspace is generated, serialized, written, and dropped before the next. With
 * `hostile`, the first workspace also carries a hostile member (deep-workspace, huge-string-workspace).
 */
export async function streamScanResult(
  res: ServerResponse,
  tenant: Tenant,
  scan: Scan,
  payloads: PayloadCorruptions,
  hostile?: HostileField,
): Promise<void> {
  res.writeHead(200, pbiHeaders());
  const instances = new Map<string, DatasourceInstance>();
  const misconfigured = new Map<string, DatasourceInstance>();
  await writeChunk(res, `{${JSON.stringify(payloads.workspacesKey())}:[`);
  let first = true;
  const listed = payloads.resultIndexes(scan.workspaces, (index) => ({
    index,
    revision: tenant.revision(index),
  }));
  for (const { index, revision } of listed) {
    const built = tenant.build(index, revision);
    const view = viewWorkspace(built.workspace, scan.flags, scan.settings);
    for (const copy of payloads.workspaceViews(view as unknown as Record<string, unknown>)) {
      await writeChunk(res, first ? '' : ',');
      const json = payloads.encode(JSON.stringify(copy));
      if (first && hostile) {
        // The workspace's own members (its id first), then the hostile one, then its closing brace.
        await writeChunk(res, typeof json === 'string' ? json.slice(0, -1) : json.subarray(0, -1));
        await writeHostileMember(res, hostile);
        await writeChunk(res, '}');
      } else await writeChunk(res, json);
      first = false;
    }
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
