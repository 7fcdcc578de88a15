/**
 * The Fabric REST routes (base /v1): Items - Get Report Definition and the long-running operation
 * endpoints. Error bodies are Fabric's ErrorResponse {requestId, errorCode, message}.
 * https://learn.microsoft.com/rest/api/fabric/report/items/get-report-definition
 * https://learn.microsoft.com/rest/api/fabric/core/long-running-operations/get-operation-state
 *
 * Choices where Microsoft documents nothing (I), listed in docs/simulator.md: an encrypted label
 * answers 400 ItemHasProtectedLabel; a missing role 403 InsufficientPrivileges; the tenant setting
 * off 401 PrincipalTypeNotSupported; paginated reports and app copies 400 OperationNotSupportedForItem.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { BearerClaims } from '../entra/index.js';
import { FABRIC_RESOURCE } from '../entra/index.js';
import type { PowerBiContext, PowerBiRequest } from '../powerbi/context.js';
import { sendJson } from '../powerbi/http.js';
import type { OperationFate } from './fabric-sim.js';

export function fabricError(res: ServerResponse, status: number, errorCode: string, message: string): void {
  sendJson(res, status, { requestId: randomUUID(), errorCode, message });
}

/** Bearer check for the Fabric API: a token for Fabric's resource, and the tenant setting for service principals. */
export function authorizeFabric(
  ctx: PowerBiContext,
  authorization: string | undefined,
  origin: string,
  res: ServerResponse,
): BearerClaims | undefined {
  const check = ctx.entra.verifyBearer(authorization, origin, FABRIC_RESOURCE);
  if (!check.ok) {
    if (check.reason === 'expired')
      fabricError(res, 401, 'TokenExpired', 'Access token has expired, resubmit with a new access token');
    else fabricError(res, 401, 'InvalidToken', 'Access token is invalid');
    return undefined;
  }
  if (check.claims.idtyp === 'app' && !ctx.fabric.allowServicePrincipals) {
    fabricError(
      res,
      401,
      'PrincipalTypeNotSupported',
      'The operation is not supported for the principal type: service principals cannot use Fabric APIs in this tenant.',
    );
    return undefined;
  }
  return check.claims;
}

const callerOf = (r: PowerBiRequest): string => `${r.claims.appid}:${r.claims.oid}`;

function operationHeaders(
  r: PowerBiRequest,
  id: string,
  retryAfterSeconds: number,
  result = false,
): Record<string, string> {
  return {
    Location: `${r.origin}/v1/operations/${id}${result ? '/result' : ''}`,
    'x-ms-operation-id': id,
    'Retry-After': String(retryAfterSeconds),
  };
}

function fateOf(ctx: PowerBiContext, r: PowerBiRequest, reportId: string): OperationFate {
  const set = ctx.fabric.operationFates.get(reportId);
  if (set) return set;
  if (r.fault?.kind === 'scan-failed') return 'fail';
  if (r.fault?.kind === 'scan-stuck') return 'stuck';
  return 'succeed';
}

/** POST /v1/workspaces/{workspaceId}/reports/{reportId}/getDefinition */
export function getDefinition(ctx: PowerBiContext, r: PowerBiRequest): void {
  const [workspaceId = '', reportId = ''] = r.params;
  const found = ctx.fabric.find(workspaceId, reportId);
  if (!found) return fabricError(r.res, 404, 'ItemNotFound', 'The requested item was not found.');
  if (found.personal || ctx.fabric.viewerWorkspaces.has(found.workspaceId))
    return fabricError(
      r.res,
      403,
      'InsufficientPrivileges',
      'The caller does not have sufficient permissions to perform the operation on the item.',
    );
  if (ctx.fabric.isEncrypted(found.report))
    return fabricError(r.res, 400, 'ItemHasProtectedLabel', 'Requested item has a protected label');
  const truth = ctx.fabric.truth(found.workspaceId, found.report.id);
  if (!truth)
    return fabricError(
      r.res,
      400,
      'OperationNotSupportedForItem',
      'Operation not supported for requested item.',
    );
  const fate = fateOf(ctx, r, found.report.id);
  const parts = ctx.fabric.parts(found, truth);
  if (truth.immediate && fate === 'succeed') return sendJson(r.res, 200, { definition: { parts } });
  const operation = ctx.fabric.startOperation(
    callerOf(r),
    truth.reportId,
    fate,
    truth.runningPolls,
    parts,
    ctx.clock.now(),
  );
  r.res.writeHead(202, {
    ...operationHeaders(r, operation.id, ctx.fabric.retryAfterSeconds),
    RequestId: randomUUID(),
    'Content-Length': '0',
  });
  r.res.end();
}

/** GET /v1/operations/{operationId} */
export function operationState(ctx: PowerBiContext, r: PowerBiRequest): void {
  const operation = ctx.fabric.poll(r.params[0] ?? '', callerOf(r));
  if (!operation) return fabricError(r.res, 404, 'OperationNotFound', 'The operation was not found.');
  const done = operation.status === 'Succeeded' || operation.status === 'Failed';
  const body = {
    status: operation.status,
    createdTimeUtc: operation.createdAt,
    lastUpdatedTimeUtc: new Date(ctx.clock.now()).toISOString(),
    percentComplete: operation.status === 'Succeeded' ? 100 : operation.status === 'Running' ? 50 : 0,
    ...(operation.status === 'Failed' && {
      error: { errorCode: 'OperationFailed', message: 'Retrieving the report definition failed.' },
    }),
  };
  const headers = done
    ? operation.status === 'Succeeded'
      ? operationHeaders(r, operation.id, 0, true)
      : {}
    : operationHeaders(r, operation.id, ctx.fabric.retryAfterSeconds);
  sendJson(r.res, 200, body, headers);
}

/** GET /v1/operations/{operationId}/result */
export function operationResult(ctx: PowerBiContext, r: PowerBiRequest): void {
  const result = ctx.fabric.result(r.params[0] ?? '', callerOf(r));
  if (!result) return fabricError(r.res, 404, 'OperationNotFound', 'The operation was not found.');
  if (!result.parts)
    return fabricError(
      r.res,
      400,
      'OperationNotSucceeded',
      `The operation has not succeeded (status ${result.status}).`,
    );
  sendJson(r.res, 200, { definition: { parts: result.parts } });
}
