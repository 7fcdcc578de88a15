/** Who has which access right on the workspace and on each report, dashboard, dataset, dataflow, datamart and Fabric item. */
import type { ArtifactAccessRecord } from '../generated/records.js';
import type { ScanUser, ScanWorkspace } from '../powerbi/scan-types.js';
import { accessRight } from './access-right.js';
import { isPerson, principalValue, sha256Hex } from './privacy.js';
import { fabricItemArrays } from './fabric-item-arrays.js';
import { defineStream, type MappingContext } from './stream.js';
import { list, text } from './values.js';

type ArtifactType = ArtifactAccessRecord['artifactType'];
type Users = readonly ScanUser[] | null | undefined;

/**
 * Identifier first (Microsoft's required key), lower-cased so e-mail casing cannot split a principal.
 * For people under hash or drop it is the SHA-256 of that value, so the key never holds an address.
 */
function principalId(user: ScanUser, ctx: MappingContext): string | null {
  const raw = text(user.identifier) ?? text(user.graphId) ?? text(user.emailAddress);
  if (raw === null) return null;
  const lowered = raw.toLowerCase();
  const hidden = ctx.userIdentifiers !== 'keep' && isPerson(text(user.principalType));
  const key = hidden ? sha256Hex(lowered) : lowered;
  const profileId = text(user.profile?.id);
  return profileId ? `${key}/profile/${profileId.toLowerCase()}` : key;
}

function* rows(
  artifactType: ArtifactType,
  artifactId: string | null,
  users: Users,
  ws: ScanWorkspace,
  ctx: MappingContext,
) {
  if (!artifactId) return;
  const mode = ctx.userIdentifiers;
  for (const user of list(users)) {
    const id = principalId(user, ctx);
    if (id === null) continue;
    const type = text(user.principalType);
    const record: ArtifactAccessRecord = {
      workspaceId: ws.id,
      scannedAt: ctx.scannedAt,
      artifactType,
      artifactId,
      principalId: id,
      principalType: type,
      accessRight: accessRight(user),
      identifier: principalValue(text(user.identifier), type, mode),
      emailAddress: principalValue(text(user.emailAddress), type, mode),
      displayName: principalValue(text(user.displayName), type, mode),
      graphId: principalValue(text(user.graphId), type, mode),
      userType: text(user.userType),
      profile: user.profile
        ? { id: text(user.profile.id), displayName: text(user.profile.displayName) }
        : null,
    };
    yield record;
  }
}

function* fromWorkspace(ws: ScanWorkspace, ctx: MappingContext): Iterable<ArtifactAccessRecord> {
  yield* rows('workspace', ws.id, ws.users, ws, ctx);
  for (const r of list(ws.reports)) yield* rows('report', text(r.id), r.users, ws, ctx);
  for (const d of list(ws.dashboards)) yield* rows('dashboard', text(d.id), d.users, ws, ctx);
  for (const d of list(ws.datasets)) yield* rows('dataset', text(d.id), d.users, ws, ctx);
  for (const d of list(ws.dataflows)) yield* rows('dataflow', text(d.objectId), d.users, ws, ctx);
  for (const d of list(ws.datamarts)) yield* rows('datamart', text(d.id), d.users ?? d.Users, ws, ctx);
  for (const array of fabricItemArrays(ws))
    for (const item of array.items) yield* rows('fabric_item', text(item.id), item.users, ws, ctx);
}

export const artifactAccessStream = defineStream<ArtifactAccessRecord>({
  name: 'artifact_access',
  primaryKey: ['artifactType', 'artifactId', 'principalId'],
  fromWorkspace,
});
