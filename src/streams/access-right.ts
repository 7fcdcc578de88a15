/**
 * The access right of a principal on an item. Microsoft names the key after the item
 * (groupUserAccessRight, reportUserAccessRight, DataflowUserAccessRight with a capital D,
 * artifactUserAccessRight on Fabric items ...), so any key ending in UserAccessRight is accepted.
 */
import type { ScanUser } from '../powerbi/scan-types.js';

export function accessRight(user: ScanUser): string | null {
  for (const [key, value] of Object.entries(user)) {
    if (typeof value === 'string' && key.toLowerCase().endsWith('useraccessright')) return value;
  }
  return null;
}
