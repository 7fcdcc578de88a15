import { systemError } from '../errors.js';
import type { ApiCaller } from './api-caller.js';
import { arrayField, isObject, type JsonObject } from './json-shapes.js';

async function listValue(caller: ApiCaller, path: string): Promise<JsonObject[]> {
  const response = await caller.json({ endpoint: 'gateways', method: 'GET', path });
  if (!isObject(response.data)) throw systemError(`Power BI answered ${path} without a JSON object.`);
  return (arrayField(response.data, 'value') ?? []).filter(isObject);
}

/**
 * GET gateways (Gateways - Get Gateways): only the gateways (clusters, by their primary member's
 * id) the caller is a gateway admin of; VNet gateways are never listed.
 * https://learn.microsoft.com/rest/api/power-bi/gateways/get-gateways
 */
export function listGateways(caller: ApiCaller): Promise<JsonObject[]> {
  return listValue(caller, 'gateways');
}

/**
 * GET gateways/{gatewayId}/datasources (Gateways - Get Datasources): needs gateway admin rights.
 * https://learn.microsoft.com/rest/api/power-bi/gateways/get-datasources
 */
export function listGatewayDatasources(caller: ApiCaller, gatewayId: string): Promise<JsonObject[]> {
  return listValue(caller, `gateways/${encodeURIComponent(gatewayId)}/datasources`);
}

/**
 * Fabric GET gateways/{gatewayId}/members (Gateways - List Gateway Members): the machines of an
 * on-premises gateway cluster; the caller needs permission for the gateway.
 * https://learn.microsoft.com/rest/api/fabric/core/gateways/list-gateway-members
 */
export function listGatewayMembers(fabricCaller: ApiCaller, gatewayId: string): Promise<JsonObject[]> {
  return listValue(fabricCaller, `gateways/${encodeURIComponent(gatewayId)}/members`);
}
