import { randomBytes } from 'node:crypto';
import { createClientCertificate } from './entra/certificates.js';
import { cachedKeyMaterial } from './key-cache.js';
import type { EntraApp } from './entra/index.js';
import { uuidFor } from './random.js';

/** App registrations of the simulated tenant and the credentials tests may use. */
export interface SimulatorCredentials {
  tenantId: string;
  tenantDomain: string;
  /** Service principal with a client secret, allowed to use read-only admin APIs (the default config). */
  secretApp: { clientId: string; clientSecret: string };
  /** Service principal authenticating with a certificate, also allowed. */
  certificateApp: {
    clientId: string;
    privateKeyPem: string;
    certificatePem: string;
    thumbprintSha256Hex: string;
    thumbprintSha1Hex: string;
  };
  /** Confidential app used for delegated (refresh token) sign-in by a Power BI administrator. */
  delegatedApp: { clientId: string; clientSecret: string; userPrincipalName: string };
  /** Service principal NOT in the security group allowed to use read-only admin APIs. */
  notAllowedApp: { clientId: string; clientSecret: string };
}

const secret = (): string =>
  `${randomBytes(3).toString('base64url')}~${randomBytes(24).toString('base64url')}`;

export function createCredentials(
  seed: number,
  tenantDomain: string,
): { credentials: SimulatorCredentials; apps: EntraApp[] } {
  const cert = cachedKeyMaterial('client-certificate', () =>
    createClientCertificate('CN=source-powerbi-simulator'),
  );
  const credentials: SimulatorCredentials = {
    tenantId: uuidFor(seed, 'tenant'),
    tenantDomain,
    secretApp: { clientId: uuidFor(seed, 'client', 'secret'), clientSecret: secret() },
    certificateApp: {
      clientId: uuidFor(seed, 'client', 'certificate'),
      privateKeyPem: cert.privateKeyPem,
      certificatePem: cert.certificatePem,
      thumbprintSha256Hex: cert.thumbprintSha256Hex,
      thumbprintSha1Hex: cert.thumbprintSha1Hex,
    },
    delegatedApp: {
      clientId: uuidFor(seed, 'client', 'delegated'),
      clientSecret: secret(),
      userPrincipalName: `admin@${tenantDomain}`,
    },
    notAllowedApp: { clientId: uuidFor(seed, 'client', 'not-allowed'), clientSecret: secret() },
  };
  const apps: EntraApp[] = [
    {
      clientId: credentials.secretApp.clientId,
      displayName: 'Contoso Catalog Scanner',
      secret: credentials.secretApp.clientSecret,
      inAllowedSecurityGroup: true,
    },
    {
      clientId: credentials.certificateApp.clientId,
      displayName: 'Contoso Catalog Scanner (certificate)',
      certificatePem: cert.certificatePem,
      inAllowedSecurityGroup: true,
    },
    {
      clientId: credentials.delegatedApp.clientId,
      displayName: 'Contoso Catalog (delegated)',
      secret: credentials.delegatedApp.clientSecret,
      inAllowedSecurityGroup: false,
    },
    {
      clientId: credentials.notAllowedApp.clientId,
      displayName: 'Unapproved Reader',
      secret: credentials.notAllowedApp.clientSecret,
      inAllowedSecurityGroup: false,
    },
  ];
  return { credentials, apps };
}
