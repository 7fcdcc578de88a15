/**
 * The userIdentifiers option: what happens to e-mail addresses, user principal names, Entra object
 * ids and display names of people. Groups and apps (service principals) are not people: their
 * names and ids are kept whatever the option says.
 */
import { createHash } from 'node:crypto';

export type UserIdentifiersMode = 'keep' | 'hash' | 'drop';

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** keep: as is; hash: SHA-256 hex of the lower-cased value (so joins across streams still work); drop: null. */
export function personal(value: string | null, mode: UserIdentifiersMode): string | null {
  if (value === null) return null;
  switch (mode) {
    case 'keep':
      return value;
    case 'hash':
      return sha256Hex(value.toLowerCase());
    case 'drop':
      return null;
  }
}

/** Only principals that are known not to be people escape the option (None and unknown types count as people). */
export function isPerson(principalType: string | null): boolean {
  const type = principalType?.toLowerCase();
  return type !== 'group' && type !== 'app';
}

/** Applies the option only when the principal is a person. */
export function principalValue(
  value: string | null,
  principalType: string | null,
  mode: UserIdentifiersMode,
) {
  return isPerson(principalType) ? personal(value, mode) : value;
}
