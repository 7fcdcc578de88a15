import { createHash, randomBytes } from 'node:crypto';

/** Entra reports refresh tokens unused for 90 days as expired (AADSTS700082). */
const INACTIVITY_LIMIT_MS = 90 * 24 * 60 * 60 * 1000;

export interface DelegatedGrant {
  clientId: string;
  userPrincipalName: string;
  userObjectId: string;
  /** Power BI permissions the user consented to, space-separated (the token's scp). */
  consentedScopes: string;
  issuedAtMs: number;
}

export type RefreshLookup =
  | { kind: 'valid'; grant: DelegatedGrant }
  | { kind: 'unknown' }
  | { kind: 'consumed'; grant: DelegatedGrant }
  | { kind: 'revoked'; grant: DelegatedGrant; validFromMs: number }
  | { kind: 'expired'; grant: DelegatedGrant };

/**
 * Refresh tokens are opaque random strings. Every successful use rotates the token and invalidates
 * the old one: stricter than Entra, which keeps the old token valid and merely expects the client to
 * switch (auth-entra.md §1c). The strictness makes tests prove the connector persists the new token.
 */
export class RefreshTokenStore {
  private readonly active = new Map<string, DelegatedGrant>();
  private readonly consumed = new Map<string, DelegatedGrant>();
  private readonly revoked = new Map<string, { grant: DelegatedGrant; validFromMs: number }>();

  constructor(private readonly nowMs: () => number) {}

  issue(grant: Omit<DelegatedGrant, 'issuedAtMs'>): string {
    const token = `1.A${randomBytes(48).toString('base64url')}`;
    this.active.set(token, { ...grant, issuedAtMs: this.nowMs() });
    return token;
  }

  lookup(token: string): RefreshLookup {
    const grant = this.active.get(token);
    if (!grant) {
      const revoked = this.revoked.get(token);
      if (revoked) return { kind: 'revoked', ...revoked };
      const old = this.consumed.get(token);
      return old ? { kind: 'consumed', grant: old } : { kind: 'unknown' };
    }
    if (this.nowMs() - grant.issuedAtMs > INACTIVITY_LIMIT_MS) return { kind: 'expired', grant };
    return { kind: 'valid', grant };
  }

  /** Consumes `token` and returns its successor carrying the same grant. */
  rotate(token: string, grant: DelegatedGrant): string {
    this.active.delete(token);
    this.consumed.set(token, grant);
    const { issuedAtMs: _issuedAtMs, ...rest } = grant;
    return this.issue(rest);
  }

  /** Like an admin's "revoke sessions": every refresh token issued so far stops working. */
  revokeAll(): void {
    const validFromMs = this.nowMs();
    for (const [token, grant] of this.active) this.revoked.set(token, { grant, validFromMs });
    this.active.clear();
  }
}

/** Stable per-user object id so that delegated tokens of one user carry one oid. */
export function userObjectId(userPrincipalName: string): string {
  const hex = createHash('sha256').update(userPrincipalName.toLowerCase()).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
