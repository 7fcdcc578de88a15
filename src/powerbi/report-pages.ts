import { systemError } from '../errors.js';
import type { ApiCaller } from './api-caller.js';
import { arrayField, isObject, type JsonObject } from './json-shapes.js';

/**
 * GET groups/{groupId}/reports/{reportId}/pages (Reports - Get Pages In Group): names, display
 * names and order only. The fallback when a report's definition cannot be read.
 * https://learn.microsoft.com/rest/api/power-bi/reports/get-pages-in-group
 */
export async function listReportPages(
  caller: ApiCaller,
  groupId: string,
  reportId: string,
): Promise<JsonObject[]> {
  const path = `groups/${encodeURIComponent(groupId)}/reports/${encodeURIComponent(reportId)}/pages`;
  const response = await caller.json({ endpoint: 'reportPages', method: 'GET', path });
  if (!isObject(response.data)) throw systemError(`Power BI answered ${path} without a JSON object.`);
  return (arrayField(response.data, 'value') ?? []).filter(isObject);
}
