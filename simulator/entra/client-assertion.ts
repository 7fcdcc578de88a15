import { X509Certificate, createHash } from 'node:crypto';
import { aadsts, type AadstsError } from './aadsts-errors.js';
import { decodeJwt, verifyJwtSignature } from './jwt.js';

/** Clock skew tolerated on the assertion's nbf/exp, as identity providers usually allow. */
const SKEW_SECONDS = 300;

export interface AssertionContext {
  clientId: string;
  certificatePem: string | undefined;
  /** Every audience this token endpoint answers to (v2 URL, v1 URL, tenant id or domain in the path). */
  acceptedAudiences: string[];
  /**
   * Wall-clock seconds. The assertion is minted by the client's real clock, so it is judged by the
   * real clock, not by the simulator's (possibly advanced) one.
   */
  nowSeconds: number;
}

/**
 * Checks a certificate-signed client assertion the way Entra does
 * (https://learn.microsoft.com/entra/identity-platform/certificate-credentials): thumbprint of a
 * registered certificate, PS256 or RS256 signature, iss == sub == client id, aud == token URL, time.
 */
export function verifyClientAssertion(assertion: string, context: AssertionContext): AadstsError | undefined {
  const decoded = decodeJwt(assertion);
  if (!decoded) return aadsts.assertionMalformed();
  const { header, payload } = decoded;
  if (header['alg'] !== 'PS256' && header['alg'] !== 'RS256') return aadsts.assertionMalformed();
  const presented = presentedThumbprint(header);
  if (!presented) return aadsts.assertionMalformed();
  const registered = context.certificatePem ? new X509Certificate(context.certificatePem) : undefined;
  const expected = registered ? createHash(presented.algorithm).update(registered.raw).digest() : undefined;
  if (!registered || !expected || !expected.equals(presented.bytes)) {
    return aadsts.assertionKeyNotFound(presented.bytes.toString('hex'), context.clientId);
  }
  if (!verifyJwtSignature(decoded, registered.publicKey)) return aadsts.assertionSignature();
  if (payload['iss'] !== context.clientId || payload['sub'] !== context.clientId)
    return aadsts.assertionIssuer();
  const audience = typeof payload['aud'] === 'string' ? payload['aud'] : '';
  if (!context.acceptedAudiences.includes(audience)) {
    return aadsts.assertionAudience(audience, context.acceptedAudiences[0] ?? '');
  }
  const { nbf, exp } = payload;
  if (typeof exp !== 'number' || exp + SKEW_SECONDS < context.nowSeconds) return aadsts.assertionTime();
  if (typeof nbf === 'number' && nbf - SKEW_SECONDS > context.nowSeconds) return aadsts.assertionTime();
  return undefined;
}

function presentedThumbprint(
  header: Record<string, unknown>,
): { algorithm: 'sha256' | 'sha1'; bytes: Buffer } | undefined {
  const sha256 = header['x5t#S256'];
  if (typeof sha256 === 'string') return { algorithm: 'sha256', bytes: Buffer.from(sha256, 'base64url') };
  const sha1 = header['x5t'];
  if (typeof sha1 === 'string') return { algorithm: 'sha1', bytes: Buffer.from(sha1, 'base64url') };
  return undefined;
}
