/**
 * One artifact's refresh history: groups/{ws}/datasets/{id}/refreshes?$top=N for a dataset,
 * groups/{ws}/dataflows/{id}/transactions for a dataflow. An expired token is never a permission
 * verdict: the call is made again (with a renewed token), a bounded number of times. A deleted
 * artifact or a refusal that outlived a renewed token is a verdict the stream may skip.
 */
import { ConnectorError } from '../errors.js';
import type { PowerBiClient } from '../powerbi/client.js';
import type { JsonObject } from '../powerbi/json-shapes.js';
import { judgeApiFailure } from './api-refusal.js';
import type { RefreshArtifact } from './refresh-record.js';

type RefreshClient = Pick<PowerBiClient, 'listDatasetRefreshes' | 'listDataflowTransactions'>;

/**
 * Calls per artifact while Power BI answers "token expired". The API client renews the token once
 * per call; a token renewed and expired again before its retry landed (another call's expiry, a
 * revocation) gets a new call, hence a new token, instead of being taken for a permission verdict.
 */
export const CALLS_ON_EXPIRED_TOKEN = 3;

function fetchHistory(client: RefreshClient, a: RefreshArtifact, top: number): Promise<JsonObject[]> {
  return a.type === 'Dataset'
    ? client.listDatasetRefreshes(a.workspaceId, a.id, top)
    : client.listDataflowTransactions(a.workspaceId, a.id, top);
}

function tokenKeptExpiring(artifact: RefreshArtifact, cause: ConnectorError): ConnectorError {
  return new ConnectorError(
    `Power BI kept rejecting access tokens as expired while reading the refresh history of ${artifact.type.toLowerCase()} ` +
      `${artifact.id} (${CALLS_ON_EXPIRED_TOKEN} calls, each with a renewed token). Check that this machine's clock is ` +
      'correct (time zone and NTP sync), then sync again: the sync resumes where it stopped.',
    {
      failureType: 'transient_error',
      ...(cause.internalMessage !== undefined && { internalMessage: cause.internalMessage }),
      ...(cause.vendorCode !== undefined && { vendorCode: cause.vendorCode }),
      ...(cause.httpStatus !== undefined && { httpStatus: cause.httpStatus }),
      cause,
    },
  );
}

/** The artifact's history, newest first; an expired token is renewed by calling again. */
async function fetchWithLiveToken(
  client: RefreshClient,
  artifact: RefreshArtifact,
  top: number,
): Promise<JsonObject[]> {
  for (let call = 1; ; call += 1) {
    try {
      return await fetchHistory(client, artifact, top);
    } catch (error) {
      if (judgeApiFailure(error) !== 'token-expired') throw error;
      if (call >= CALLS_ON_EXPIRED_TOKEN) throw tokenKeptExpiring(artifact, error as ConnectorError);
    }
  }
}

/** The artifact's history, or the verdict that lets the stream skip it. */
export type Fetched = { artifact: RefreshArtifact } & (
  { entries: JsonObject[] } | { verdict: 'gone' | 'denied' }
);

export async function fetchRefreshes(
  client: RefreshClient,
  artifact: RefreshArtifact,
  top: number,
): Promise<Fetched> {
  try {
    return { artifact, entries: await fetchWithLiveToken(client, artifact, top) };
  } catch (error) {
    // A deleted artifact, or a workspace the identity may not read (a refusal that outlived a
    // renewed token), must not stop the stream; anything else (sign-in failures included) does.
    const verdict = judgeApiFailure(error);
    if (verdict === 'gone' || verdict === 'denied') return { artifact, verdict };
    throw error;
  }
}
