import type { ServerResponse } from 'node:http';
import type { BearerClaims } from '../entra/index.js';
import type { PowerBiContext } from './context.js';
import { notAuthorized, tokenExpired } from './errors.js';

const ADMIN_SCOPES = ['Tenant.Read.All', 'Tenant.ReadWrite.All'];

/**
 * Bearer check, then the admin-API rules: a service principal needs the tenant setting "Allow
 * service principals to use read-only admin APIs" and membership of its security group; a user
 * needs Tenant.Read.All or Tenant.ReadWrite.All.
 * https://learn.microsoft.com/fabric/admin/metadata-scanning-enable-read-only-apis
 */
export function authorize(
  ctx: PowerBiContext,
  authorization: string | undefined,
  origin: string,
  admin: boolean,
  res: ServerResponse,
): BearerClaims | undefined {
  const check = ctx.entra.verifyBearer(authorization, origin);
  if (!check.ok) {
    if (check.reason === 'expired') tokenExpired(res);
    else notAuthorized(res);
    return undefined;
  }
  const claims = check.claims;
  if (!admin) return claims;
  if (claims.idtyp === 'app') {
    const app = ctx.apps.get(claims.appid.toLowerCase());
    if (!ctx.settings.allowServicePrincipalsReadOnlyAdminApis || !app?.inAllowedSecurityGroup) {
      notAuthorized(res);
      return undefined;
    }
    return claims;
  }
  const scopes = (claims.scp ?? '').split(' ');
  if (!ADMIN_SCOPES.some((s) => scopes.includes(s))) {
    notAuthorized(res);
    return undefined;
  }
  return claims;
}
