/**
 * Refresh history entries → refresh_history records: dataset refreshes (Refresh: requestId,
 * status, serviceExceptionJson, refreshAttempts) and dataflow transactions (id, status, times).
 * https://learn.microsoft.com/rest/api/power-bi/datasets/get-refresh-history-in-group
 * https://learn.microsoft.com/rest/api/power-bi/dataflows/get-dataflow-transactions
 */
import type { RefreshHistoryRecord } from '../generated/records.js';
import { arrayField, field, isObject, type JsonObject } from '../powerbi/json-shapes.js';
import { text, utcDateTime } from './values.js';

export type RefreshArtifactType = 'Dataset' | 'Dataflow';

export interface RefreshArtifact {
  type: RefreshArtifactType;
  workspaceId: string;
  id: string;
}

function refreshId(entry: JsonObject): string | null {
  const requestId = text(field(entry, 'requestId'));
  if (requestId) return requestId;
  const id = field(entry, 'id');
  return typeof id === 'number' ? String(id) : text(id);
}

/** serviceExceptionJson is JSON text such as {"errorCode":"ModelRefreshFailed_CredentialsNotSpecified"}. */
export function errorCodeOf(serviceExceptionJson: string | null): string | null {
  if (!serviceExceptionJson) return null;
  try {
    const parsed: unknown = JSON.parse(serviceExceptionJson);
    return isObject(parsed) ? text(field(parsed, 'errorCode')) : null;
  } catch {
    return null;
  }
}

/** Null for an entry without an id or still running (no endTime): it is emitted once it has ended. */
export function toRefreshRecord(artifact: RefreshArtifact, entry: JsonObject): RefreshHistoryRecord | null {
  const id = refreshId(entry);
  const endTime = utcDateTime(field(entry, 'endTime'));
  if (!id || !endTime) return null;
  const startTime = utcDateTime(field(entry, 'startTime'));
  const exception = text(field(entry, 'serviceExceptionJson'));
  const attempts = arrayField(entry, 'refreshAttempts');
  return {
    artifactType: artifact.type,
    artifactId: artifact.id,
    refreshId: id,
    workspaceId: artifact.workspaceId,
    refreshType: text(field(entry, 'refreshType')),
    status: text(field(entry, 'status')),
    startTime,
    endTime,
    durationSeconds: startTime ? (Date.parse(endTime) - Date.parse(startTime)) / 1000 : null,
    errorCode: errorCodeOf(exception),
    serviceExceptionJson: exception,
    attempts: attempts ? attempts.length : null,
  };
}
