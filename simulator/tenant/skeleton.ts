import { rngFrom, uuidFor } from '../random.js';
import { DAY, HOUR } from '../clock.js';
import { DEPARTMENTS, UNICODE_WORKSPACE_NAMES, WORKSPACE_SUFFIXES } from './names.js';
import type { Directory } from './people.js';
import type { WorkspaceSkeleton } from './context.js';
import type { WorkspaceState, WorkspaceType } from './types.js';
import { userAt } from './users.js';

/**
 * Age of the last change before tenant start: a third of workspaces changed in the last 30 days
 * (so incremental scans have work), the rest over the last two years.
 */
function lastChangeAge(roll: number, roll2: number): number {
  if (roll < 0.33) return HOUR + roll2 * 29 * DAY;
  return 30 * DAY + roll2 * 700 * DAY;
}

export function workspaceSkeleton(
  seed: number,
  index: number,
  startMs: number,
  directory: Directory,
  capacities: string[],
): WorkspaceSkeleton {
  const rng = rngFrom(seed, 'ws', index);
  const typeRoll = rng.next();
  const type: WorkspaceType =
    typeRoll < 0.28
      ? 'PersonalGroup'
      : typeRoll < 0.29
        ? 'Personal'
        : typeRoll < 0.31
          ? 'Group'
          : 'Workspace';
  const stateRoll = rng.next();
  const state: WorkspaceState = stateRoll < 0.03 ? 'Deleted' : stateRoll < 0.035 ? 'Removing' : 'Active';
  const owner = rng.int(0, directory.users.length - 1);
  const personal = type === 'PersonalGroup' || type === 'Personal';
  const name = personal
    ? `PersonalWorkspace ${userAt(directory, owner).displayName}`
    : rng.chance(0.06)
      ? `${rng.pick(UNICODE_WORKSPACE_NAMES)}${index > 20 ? ` ${index}` : ''}`
      : `${rng.pick(DEPARTMENTS)} ${rng.pick(WORKSPACE_SUFFIXES)}${rng.chance(0.6) ? ` ${index + 1}` : ''}`;
  const baseModified = Math.floor(startMs - lastChangeAge(rng.next(), rng.next()));
  const createdAt = baseModified - Math.floor(rng.next() * 900 * DAY);
  const dedicated = !personal && rng.chance(0.35);
  const sk: WorkspaceSkeleton = {
    index,
    id: uuidFor(seed, 'workspace', index),
    name,
    type,
    state,
    datasets: personal ? rng.int(0, 2) : rng.int(0, 5),
    paginatedReports: !personal && rng.chance(0.15) ? rng.int(1, 2) : 0,
    dashboards: personal ? 0 : rng.chance(0.4) ? rng.int(1, 2) : 0,
    dataflows: !personal && rng.chance(0.15) ? rng.int(1, 3) : 0,
    datamarts: dedicated && rng.chance(0.1) ? 1 : 0,
    owner,
    createdAt,
    baseModified,
  };
  if (!personal && rng.chance(0.3))
    sk.description = rng.pick(['Certified content', 'Team workspace', 'Do not delete', '']);
  if (dedicated) {
    sk.capacityId = rng.pick(capacities);
    sk.defaultDatasetStorageFormat = rng.chance(0.7) ? 'Small' : 'Large';
  }
  if (!personal && state === 'Active' && rng.chance(0.08)) sk.appId = uuidFor(seed, 'app', index);
  return sk;
}
