import { rngFrom, uuidFor } from '../random.js';
import { FIRST_NAMES, LAST_NAMES, NATIVE_NAMES, DEPARTMENTS } from './names.js';
import type { Principal } from './types.js';

/** The tenant's directory: users, security groups and service principals that get access rights. */
export interface Directory {
  users: Principal[];
  groups: Principal[];
  apps: Principal[];
}

function asciiLocalPart(name: string, n: number): string {
  const plain = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ø/gi, 'o')
    .replace(/ł/gi, 'l')
    .toLowerCase()
    .replace(/[^a-z ]/g, '')
    .trim()
    .replace(/\s+/g, '.');
  return plain.length > 0 ? `${plain}${n > 0 ? n : ''}` : `user${n}`;
}

export function createDirectory(
  seed: number,
  workspaceCount: number,
  emailDomain: string,
  scannerApp: Principal,
): Directory {
  const count = Math.min(2000, Math.max(12, Math.ceil(workspaceCount / 4)));
  const users: Principal[] = [];
  const taken = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const rng = rngFrom(seed, 'user', i);
    const displayName =
      i % 17 === 5 ? rng.pick(NATIVE_NAMES) : `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
    const romanized = displayName === '李 娜' ? 'li.na' : asciiLocalPart(displayName, 0);
    const seen = taken.get(romanized) ?? 0;
    taken.set(romanized, seen + 1);
    const email = `${seen === 0 ? romanized : `${romanized}${seen}`}@${emailDomain}`;
    users.push({
      emailAddress: email,
      displayName,
      identifier: email,
      graphId: uuidFor(seed, 'user', i),
      principalType: 'User',
      userType: rng.chance(0.05) ? 'Guest' : 'Member',
    });
  }
  const groups: Principal[] = DEPARTMENTS.map((dept, i) => {
    const id = uuidFor(seed, 'group', i);
    return {
      displayName: `${dept} Readers`,
      identifier: id,
      graphId: id,
      principalType: 'Group',
      userType: null,
    };
  });
  const otherAppId = uuidFor(seed, 'app-principal', 1);
  const apps: Principal[] = [
    scannerApp,
    {
      displayName: 'Nightly Refresh Bot',
      identifier: otherAppId,
      graphId: otherAppId,
      principalType: 'App',
      userType: null,
    },
  ];
  return { users, groups, apps };
}
