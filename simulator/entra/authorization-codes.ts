import { createHash, randomBytes } from 'node:crypto';

/** Entra's authorization codes are short-lived ("typically, they expire after about 10 minutes"). */
const CODE_LIFETIME_MS = 10 * 60 * 1000;

/** What the user consented to at the authorize endpoint, redeemed once at the token endpoint. */
export interface AuthorizationGrant {
  clientId: string;
  redirectUri: string;
  /** Scopes as asked for, space-separated (resource scopes and OIDC scopes such as offline_access). */
  scope: string;
  userPrincipalName: string;
  codeChallenge?: { value: string; method: 'S256' | 'plain' };
}

export type CodeLookup =
  { kind: 'valid'; grant: AuthorizationGrant } | { kind: 'redeemed' } | { kind: 'unknown' };

/** Single-use authorization codes: a second redemption is refused, as Entra does (AADSTS54005). */
export class AuthorizationCodeStore {
  private readonly pending = new Map<string, AuthorizationGrant & { issuedAtMs: number }>();
  private readonly redeemed = new Set<string>();

  constructor(private readonly nowMs: () => number) {}

  issue(grant: AuthorizationGrant): string {
    const code = `1.A${randomBytes(32).toString('base64url')}`;
    this.pending.set(code, { ...grant, issuedAtMs: this.nowMs() });
    return code;
  }

  /** Consumes the code: valid only once and within its lifetime. */
  redeem(code: string): CodeLookup {
    if (this.redeemed.has(code)) return { kind: 'redeemed' };
    const found = this.pending.get(code);
    if (!found) return { kind: 'unknown' };
    this.pending.delete(code);
    this.redeemed.add(code);
    if (this.nowMs() - found.issuedAtMs > CODE_LIFETIME_MS) return { kind: 'unknown' };
    const { issuedAtMs: _issuedAtMs, ...grant } = found;
    return { kind: 'valid', grant };
  }
}

/** RFC 7636: does the verifier match the challenge sent to the authorize endpoint? */
export function verifierMatches(
  challenge: AuthorizationGrant['codeChallenge'],
  verifier: string | null,
): boolean {
  if (!challenge) return true;
  if (!verifier) return false;
  const computed =
    challenge.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  return computed === challenge.value;
}
