import { systemError } from '../errors.js';
import type { ApiCaller } from './api-caller.js';
import { arrayField, isObject, type JsonObject } from './json-shapes.js';

/** GET groups/{groupId}/datasets/{datasetId}/refreshes?$top=N: the N most recent refreshes, newest first. */
export function listDatasetRefreshes(
  caller: ApiCaller,
  groupId: string,
  datasetId: string,
  top: number,
): Promise<JsonObject[]> {
  return listValue(caller, `groups/${enc(groupId)}/datasets/${enc(datasetId)}/refreshes`, top);
}

/** GET groups/{groupId}/dataflows/{dataflowId}/transactions?$top=N: a dataflow's refresh history. */
export function listDataflowTransactions(
  caller: ApiCaller,
  groupId: string,
  dataflowId: string,
  top: number,
): Promise<JsonObject[]> {
  return listValue(caller, `groups/${enc(groupId)}/dataflows/${enc(dataflowId)}/transactions`, top);
}

async function listValue(caller: ApiCaller, path: string, top: number): Promise<JsonObject[]> {
  const response = await caller.json({ endpoint: 'refreshes', method: 'GET', path, query: { $top: top } });
  if (!isObject(response.data)) throw systemError(`Power BI answered ${path} without a JSON object.`);
  return (arrayField(response.data, 'value') ?? []).filter(isObject);
}

const enc = encodeURIComponent;
