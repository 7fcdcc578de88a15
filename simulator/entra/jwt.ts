import { constants, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/** Compact JWS (RS256 / PS256) without dependencies beyond node:crypto. */
export type JwtAlgorithm = 'RS256' | 'PS256';

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

export function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function paddingFor(algorithm: JwtAlgorithm) {
  return algorithm === 'PS256'
    ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
    : { padding: constants.RSA_PKCS1_PADDING };
}

export function signJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  privateKey: KeyObject | string,
  algorithm: JwtAlgorithm = 'RS256',
): string {
  const signingInput = `${base64UrlJson({ ...header, alg: algorithm })}.${base64UrlJson(payload)}`;
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const signature = sign('sha256', Buffer.from(signingInput), { key, ...paddingFor(algorithm) });
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** Parses without verifying; undefined when the string is not a JWS with JSON header and payload. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  try {
    const header: unknown = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'));
    const payload: unknown = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
    if (!isRecord(header) || !isRecord(payload)) return undefined;
    return {
      header,
      payload,
      signingInput: `${headerPart}.${payloadPart}`,
      signature: Buffer.from(signaturePart, 'base64url'),
    };
  } catch {
    return undefined;
  }
}

export function verifyJwtSignature(decoded: DecodedJwt, publicKey: KeyObject | string): boolean {
  const algorithm = decoded.header['alg'];
  if (algorithm !== 'RS256' && algorithm !== 'PS256') return false;
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  try {
    return verify(
      'sha256',
      Buffer.from(decoded.signingInput),
      { key, ...paddingFor(algorithm) },
      decoded.signature,
    );
  } catch {
    return false;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
