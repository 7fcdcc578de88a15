import { createHash, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { decodeJwt, signJwt, verifyJwtSignature } from './jwt.js';

/** The audience Power BI accepts (public cloud resource id). */
export const POWER_BI_RESOURCE = 'https://analysis.windows.net/powerbi/api';

/** The Fabric API's resource id (report definitions); its tokens carry it as `aud`. */
export const FABRIC_RESOURCE = 'https://api.fabric.microsoft.com';

/** The resources this tenant issues tokens for. */
export const RESOURCES: readonly string[] = [POWER_BI_RESOURCE, FABRIC_RESOURCE];

export interface BearerClaims {
  tid: string;
  appid: string;
  oid: string;
  idtyp: 'app' | 'user';
  scp?: string;
  exp: number;
}

export type BearerCheck =
  | { ok: true; claims: BearerClaims }
  | {
      ok: false;
      reason: 'missing' | 'malformed' | 'invalid_signature' | 'expired' | 'wrong_audience' | 'wrong_tenant';
    };

export interface AccessTokenSubject {
  appid: string;
  oid: string;
  idtyp: 'app' | 'user';
  scp?: string;
  upn?: string;
}

/**
 * Issues and checks v1-style access tokens as Power BI receives them: RS256 JWTs carrying tid, appid,
 * oid, idtyp and (delegated) scp. Each token carries a sequence number in `uti` so that
 * `expireAll()` can expire every token issued so far without touching the clock.
 */
export class AccessTokenAuthority {
  private readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly keyId: string;
  private sequence = 0;
  private expiredThrough = 0;

  constructor(
    private readonly tenantId: string,
    private readonly lifetimeSeconds: number,
    private readonly nowMs: () => number,
  ) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
    const der = this.publicKey.export({ type: 'spki', format: 'der' });
    this.keyId = createHash('sha1').update(der).digest('base64url');
  }

  issue(subject: AccessTokenSubject, audience = POWER_BI_RESOURCE): { token: string; expiresIn: number } {
    const now = Math.floor(this.nowMs() / 1000);
    this.sequence += 1;
    const issuer = `https://sts.windows.net/${this.tenantId}/`;
    const payload: Record<string, unknown> = {
      aud: audience,
      iss: issuer,
      iat: now,
      nbf: now,
      exp: now + this.lifetimeSeconds,
      appid: subject.appid,
      appidacr: '1',
      idp: issuer,
      idtyp: subject.idtyp,
      oid: subject.oid,
      sub: subject.oid,
      tid: this.tenantId,
      uti: `${this.sequence.toString(36)}.${randomBytes(9).toString('base64url')}`,
      ver: '1.0',
    };
    if (subject.scp !== undefined) payload['scp'] = subject.scp;
    if (subject.upn !== undefined) payload['upn'] = subject.upn;
    const token = signJwt(
      { typ: 'JWT', kid: this.keyId, x5t: this.keyId },
      payload,
      this.privateKey,
      'RS256',
    );
    return { token, expiresIn: this.lifetimeSeconds };
  }

  /** Signs another token (an id_token) with the same key. */
  signOther(claims: Record<string, unknown>): string {
    return signJwt({ typ: 'JWT', kid: this.keyId }, claims, this.privateKey, 'RS256');
  }

  expireAll(): void {
    this.expiredThrough = this.sequence;
  }

  verify(authorizationHeader: string | undefined, audience = POWER_BI_RESOURCE): BearerCheck {
    if (!authorizationHeader) return { ok: false, reason: 'missing' };
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorizationHeader);
    const decoded = match?.[1] ? decodeJwt(match[1]) : undefined;
    if (!decoded) return { ok: false, reason: 'malformed' };
    if (!verifyJwtSignature(decoded, this.publicKey)) return { ok: false, reason: 'invalid_signature' };
    const claims = bearerClaims(decoded.payload);
    if (!claims) return { ok: false, reason: 'malformed' };
    if (decoded.payload['aud'] !== audience) return { ok: false, reason: 'wrong_audience' };
    if (claims.tid !== this.tenantId) return { ok: false, reason: 'wrong_tenant' };
    const sequence = parseInt(String(decoded.payload['uti']).split('.')[0] ?? '', 36);
    const expiredByFault = Number.isFinite(sequence) && sequence <= this.expiredThrough;
    if (expiredByFault || claims.exp <= Math.floor(this.nowMs() / 1000))
      return { ok: false, reason: 'expired' };
    return { ok: true, claims };
  }

  jwks(): { keys: Record<string, unknown>[] } {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return {
      keys: [
        {
          kty: 'RSA',
          use: 'sig',
          kid: this.keyId,
          x5t: this.keyId,
          n: jwk.n,
          e: jwk.e,
          issuer: `https://sts.windows.net/${this.tenantId}/`,
        },
      ],
    };
  }
}

function bearerClaims(payload: Record<string, unknown>): BearerClaims | undefined {
  const { tid, appid, oid, idtyp, scp, exp } = payload;
  if (typeof tid !== 'string' || typeof appid !== 'string' || typeof oid !== 'string') return undefined;
  if ((idtyp !== 'app' && idtyp !== 'user') || typeof exp !== 'number') return undefined;
  return typeof scp === 'string' ? { tid, appid, oid, idtyp, scp, exp } : { tid, appid, oid, idtyp, exp };
}
