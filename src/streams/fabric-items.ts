/**
 * Fabric items: one row per item of every Fabric item array of a workspace, the known fields mapped
 * and the rest kept as JSON in `extra`, so an item type never seen before is still a row.
 */
import type { FabricItemsRecord } from '../generated/records.js';
import type { ScanFabricItem, ScanRelation, ScanWorkspace } from '../powerbi/scan-types.js';
import { fabricItemArrays } from './fabric-item-arrays.js';
import { endorsementDetails, sensitivityLabel } from './nested.js';
import { personal, type UserIdentifiersMode } from './privacy.js';
import { defineStream, type MappingContext } from './stream.js';
import { list, text, utcDateTime } from './values.js';

/** Keys the record maps (or artifact_access, for users); everything else goes to `extra`. */
const MAPPED_KEYS = new Set([
  'id',
  'name',
  'description',
  'type',
  'state',
  'createdBy',
  'createdById',
  'createdDate',
  'configuredBy',
  'configuredById',
  'modifiedBy',
  'modifiedById',
  'modifiedDateTime',
  'lastUpdatedDate',
  'endorsementDetails',
  'sensitivityLabel',
  'relations',
  'users',
]);

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Unknown fields may hold people's addresses under any key: e-mail-shaped strings follow the privacy option. */
function privateCopy(value: unknown, mode: UserIdentifiersMode): unknown {
  if (typeof value === 'string') return EMAIL.test(value) ? personal(value, mode) : value;
  if (Array.isArray(value)) return value.map((entry) => privateCopy(entry, mode));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, privateCopy(v, mode)]));
  return value;
}

function extra(item: ScanFabricItem, mode: UserIdentifiersMode): string | null {
  const rest = Object.entries(item).filter(([key]) => !MAPPED_KEYS.has(key));
  return rest.length > 0 ? JSON.stringify(privateCopy(Object.fromEntries(rest), mode)) : null;
}

function relations(value: readonly ScanRelation[] | null | undefined) {
  if (!value) return null;
  return list(value).map((r) => ({
    dependentOnArtifactId: text(r.dependentOnArtifactId),
    workspaceId: text(r.workspaceId),
    relationType: text(r.relationType),
    settingsList: text(r.settingsList),
    usage: text(r.usage),
  }));
}

function toRecord(
  ws: ScanWorkspace,
  ctx: MappingContext,
  array: { scanArray: string; type: string },
  item: ScanFabricItem,
  id: string,
): FabricItemsRecord {
  const mode = ctx.userIdentifiers;
  return {
    workspaceId: ws.id,
    scannedAt: ctx.scannedAt,
    type: array.type,
    id,
    scanArray: array.scanArray,
    itemType: text(item.type),
    name: text(item.name),
    description: text(item.description),
    state: text(item.state),
    createdBy: personal(text(item.createdBy) ?? text(item.configuredBy), mode),
    createdById: personal(text(item.createdById) ?? text(item.configuredById), mode),
    createdDateTime: utcDateTime(item.createdDate),
    modifiedBy: personal(text(item.modifiedBy), mode),
    modifiedById: personal(text(item.modifiedById), mode),
    modifiedDateTime: utcDateTime(item.lastUpdatedDate ?? item.modifiedDateTime),
    endorsementDetails: endorsementDetails(item.endorsementDetails, mode),
    sensitivityLabel: sensitivityLabel(item.sensitivityLabel),
    relations: relations(item.relations),
    extra: extra(item, mode),
  };
}

function* fromWorkspace(ws: ScanWorkspace, ctx: MappingContext): Iterable<FabricItemsRecord> {
  for (const array of fabricItemArrays(ws))
    for (const item of array.items) {
      const id = text(item.id);
      if (id) yield toRecord(ws, ctx, array, item, id);
    }
}

export const fabricItemsStream = defineStream<FabricItemsRecord>({
  name: 'fabric_items',
  primaryKey: ['type', 'id'],
  fromWorkspace,
});
