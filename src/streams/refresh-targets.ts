/**
 * The datasets and dataflows refresh_history asks about, per workspace. The shared scan tells
 * which artifacts refresh; the list is kept in the stream's state so that an incremental sync,
 * which re-scans only changed workspaces, still knows every other one.
 */
import type { ScanDataset, ScanWorkspace } from '../powerbi/scan-types.js';
import type { ScanObserver } from './api-stream.js';
import type { RefreshArtifact } from './refresh-record.js';
import { savedEntries, type StreamState } from './stream-state.js';

export interface WorkspaceTargets {
  datasets: string[];
  dataflows: string[];
}

export type TargetList = Map<string, WorkspaceTargets>;

/** Push/streaming datasets and DirectQuery-only models have no refresh history to speak of. */
const NOT_REFRESHED = new Set([
  'realtime',
  'pbixindirectquerymode',
  'pbixinlivemode',
  'pbixinliveconnectmode',
]);

export function isRefreshedDataset(dataset: ScanDataset): boolean {
  const refreshable = dataset.isRefreshable ?? dataset.IsRefreshable;
  if (refreshable === false) return false;
  const provider = dataset.contentProviderType ?? dataset.ContentProviderType;
  return typeof provider !== 'string' || !NOT_REFRESHED.has(provider.toLowerCase());
}

/** The service principal is never a member of personal workspaces; gone workspaces have nothing to refresh. */
function reachable(ws: ScanWorkspace): boolean {
  const type = (ws.type ?? '').toLowerCase();
  const state = (ws.state ?? 'Active').toLowerCase();
  return state === 'active' && type !== 'personalgroup' && type !== 'personal';
}

export function targetsOf(ws: ScanWorkspace): WorkspaceTargets {
  if (!reachable(ws)) return { datasets: [], dataflows: [] };
  return {
    datasets: (ws.datasets ?? [])
      .filter(isRefreshedDataset)
      .map((d) => d.id)
      .filter((id): id is string => typeof id === 'string' && id !== ''),
    dataflows: (ws.dataflows ?? [])
      .map((d) => d.objectId)
      .filter((id): id is string => typeof id === 'string' && id !== ''),
  };
}

/** Observes the scan: every scanned workspace's targets replace what the state had for it. */
export class RefreshTargetObserver implements ScanObserver {
  readonly seen: TargetList = new Map();

  onWorkspace(workspace: ScanWorkspace): void {
    this.seen.set(workspace.id.toLowerCase(), targetsOf(workspace));
  }
}

function ids(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The target list stored under `key` of the state (`workspaces`: every target; `pending`: see the stream). */
export function readTargets(
  state: StreamState | undefined,
  key: 'workspaces' | 'pending' = 'workspaces',
): TargetList {
  const list: TargetList = new Map();
  for (const [wsId, entry] of savedEntries(state, key))
    list.set(wsId, { datasets: ids(entry.d), dataflows: ids(entry.f) });
  return list;
}

/** Compact JSON: {"<workspaceId>": {"d": [datasetIds], "f": [dataflowIds]}}, empty workspaces left out. */
export function writeTargets(list: TargetList): StreamState {
  const out: StreamState = {};
  for (const [wsId, t] of list) {
    if (t.datasets.length + t.dataflows.length > 0) out[wsId] = { d: t.datasets, f: t.dataflows };
  }
  return out;
}

export function mergeTargets(previous: TargetList, scanned: TargetList): TargetList {
  return new Map([...previous, ...scanned]);
}

export function flattenTargets(list: TargetList): RefreshArtifact[] {
  return [...list].flatMap(([workspaceId, t]) => [
    ...t.datasets.map((id) => ({ type: 'Dataset' as const, workspaceId, id })),
    ...t.dataflows.map((id) => ({ type: 'Dataflow' as const, workspaceId, id })),
  ]);
}

export function removeTarget(list: TargetList, artifact: RefreshArtifact): void {
  const t = list.get(artifact.workspaceId);
  if (!t) return;
  if (artifact.type === 'Dataset') t.datasets = t.datasets.filter((id) => id !== artifact.id);
  else t.dataflows = t.dataflows.filter((id) => id !== artifact.id);
}

/**
 * refresh_history's state: `cursor` (start of the last complete read; none while NaN), `workspaces`
 * (every target) and `pending` (targets whose whole history is still to be read).
 */
export function refreshState(cursor: number, list: TargetList, pending: RefreshArtifact[]): StreamState {
  return {
    version: 1,
    ...(!Number.isNaN(cursor) && { cursor: new Date(cursor).toISOString() }),
    workspaces: writeTargets(list),
    ...(pending.length > 0 && { pending: writeTargets(targetsFrom(pending)) }),
  };
}

/** The artifacts as a target list (e.g. those whose whole history is still to be read). */
export function targetsFrom(artifacts: readonly RefreshArtifact[]): TargetList {
  const list: TargetList = new Map();
  for (const a of artifacts) {
    const t = list.get(a.workspaceId) ?? { datasets: [], dataflows: [] };
    list.set(a.workspaceId, t);
    (a.type === 'Dataset' ? t.datasets : t.dataflows).push(a.id);
  }
  return list;
}

export function artifactKey(a: RefreshArtifact): string {
  return `${a.type}:${a.id}`;
}
