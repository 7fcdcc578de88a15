/** One record per scanned workspace, with its state and the time of this scan (the deletion watermark). */
import type { WorkspacesRecord } from '../generated/records.js';
import type { ScanWorkspace } from '../powerbi/scan-types.js';
import { personal } from './privacy.js';
import { defineStream, type MappingContext } from './stream.js';
import { flag, text } from './values.js';

/** A personal workspace ("My workspace") is named after its owner: "PersonalWorkspace <display name>". */
function isPersonalWorkspace(type: string | null): boolean {
  return type === 'PersonalGroup' || type === 'Personal';
}

function* fromWorkspace(ws: ScanWorkspace, ctx: MappingContext): Iterable<WorkspacesRecord> {
  const type = text(ws.type);
  const name = text(ws.name);
  yield {
    id: ws.id,
    workspaceId: ws.id,
    scannedAt: ctx.scannedAt,
    name: isPersonalWorkspace(type) ? personal(name, ctx.userIdentifiers) : name,
    description: text(ws.description),
    type,
    state: text(ws.state),
    dataRetrievalState: text(ws.dataRetrievalState),
    isOnDedicatedCapacity: flag(ws.isOnDedicatedCapacity),
    capacityId: text(ws.capacityId),
    defaultDatasetStorageFormat: text(ws.defaultDatasetStorageFormat),
  };
}

export const workspacesStream = defineStream<WorkspacesRecord>({
  name: 'workspaces',
  primaryKey: ['id'],
  fromWorkspace,
});
