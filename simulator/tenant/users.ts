import type { Rng } from '../random.js';
import type { Directory } from './people.js';
import type { ArtifactUser, Principal } from './types.js';

/** Key naming the access right on each artifact type (casing as Microsoft returns it). */
export type AccessRightKey =
  | 'groupUserAccessRight'
  | 'reportUserAccessRight'
  | 'dashboardUserAccessRight'
  | 'datasetUserAccessRight'
  | 'DataflowUserAccessRight'
  | 'datamartUserAccessRight';

export function withRight(principal: Principal, key: AccessRightKey, right: string): ArtifactUser {
  return { ...principal, [key]: right };
}

/** A few principals with access, the owner first. */
export function artifactUsers(
  rng: Rng,
  directory: Directory,
  owner: Principal,
  key: AccessRightKey,
  ownerRight: string,
  otherRights: readonly string[],
  max: number,
): ArtifactUser[] {
  const result: ArtifactUser[] = [withRight(owner, key, ownerRight)];
  const extra = rng.int(0, max);
  for (let i = 0; i < extra; i++) {
    const roll = rng.next();
    const principal =
      roll < 0.75
        ? rng.pick(directory.users)
        : roll < 0.92
          ? rng.pick(directory.groups)
          : rng.pick(directory.apps);
    if (result.some((u) => u.identifier === principal.identifier)) continue;
    result.push(withRight(principal, key, rng.pick(otherRights)));
  }
  return result;
}

export function userAt(directory: Directory, index: number): Principal {
  const user = directory.users[index % directory.users.length];
  if (!user) throw new Error('empty directory');
  return user;
}
