/**
 * Fabric "Items - Get Report Definition", a long-running operation (LRO):
 * POST workspaces/{ws}/reports/{id}/getDefinition answers 200 with the definition, or 202 with
 * x-ms-operation-id and Retry-After; GET operations/{opId} is polled (waiting what Retry-After asks)
 * until Succeeded or Failed, then GET operations/{opId}/result holds the definition.
 * https://learn.microsoft.com/rest/api/fabric/report/items/get-report-definition
 * https://learn.microsoft.com/rest/api/fabric/articles/long-running-operation
 *
 * The Location header is never followed: the operation id is looked up on the configured Fabric
 * base, so the access token never goes to a host an answer names. Throttling (429), expired tokens
 * and 5xx go through the retry policy like every other call; refusals (401/403/404/400) throw.
 */
import { systemError } from '../errors.js';
import type { ApiCaller, ApiResponse } from './api-caller.js';
import { cut, MAX_VENDOR_CODE_CHARS, MAX_VENDOR_MESSAGE_CHARS } from './api-error-body.js';
import type { Clock } from './clock.js';
import { arrayField, field, isObject, stringField } from './json-shapes.js';

/** One file of the definition; `payload` is base64 when `payloadType` is InlineBase64. */
export interface DefinitionPart {
  path: string;
  payload: string;
  payloadType: string;
}

export type DefinitionOutcome =
  | { kind: 'definition'; parts: DefinitionPart[]; calls: number }
  /** The operation ended in Failed (or its result was not a definition). */
  | { kind: 'failed'; code?: string; message?: string; calls: number }
  /** Still running when the wait allowed for one report ran out. */
  | { kind: 'timed-out'; waitedMs: number; calls: number };

export interface OperationLimits {
  /** Longest total wait for one report's operation, polls included. */
  maxWaitMs: number;
  /** Wait before a poll when the answer carried no Retry-After. */
  defaultPollMs: number;
  /** Cap on one wait, whatever Retry-After asks. */
  maxPollMs: number;
  signal?: AbortSignal;
}

export const DEFAULT_OPERATION_POLLING = { defaultPollMs: 2_000, maxPollMs: 60_000 } as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RUNNING = new Set(['notstarted', 'running', 'undefined']);

const enc = encodeURIComponent;

export async function getReportDefinition(
  caller: ApiCaller,
  clock: Clock,
  workspaceId: string,
  reportId: string,
  limits: OperationLimits,
): Promise<DefinitionOutcome> {
  const { signal } = limits;
  const started = clock.now();
  const first = await caller.json({
    endpoint: 'fabricGetDefinition',
    method: 'POST',
    path: `workspaces/${enc(workspaceId)}/reports/${enc(reportId)}/getDefinition`,
    // A definition is a read: asking again after a 5xx or a dropped connection is harmless.
    repeatable: true,
    signal,
  });
  if (first.status !== 202) return definitionFrom(first.data, 1);
  const operationId = operationIdOf(first);
  let calls = 1;
  let wait = pollDelay(first, limits);
  for (;;) {
    const waited = clock.now() - started;
    if (waited + wait > limits.maxWaitMs) return { kind: 'timed-out', waitedMs: waited, calls };
    await clock.sleep(wait, signal);
    calls += 1;
    const state = await caller.json({
      endpoint: 'fabricOperation',
      method: 'GET',
      path: `operations/${enc(operationId)}`,
      signal,
    });
    const status = isObject(state.data) ? (stringField(state.data, 'status') ?? '').toLowerCase() : '';
    if (status === 'failed') return { kind: 'failed', ...operationError(state.data), calls };
    if (status === 'succeeded') {
      calls += 1;
      const result = await caller.json({
        endpoint: 'fabricOperation',
        method: 'GET',
        path: `operations/${enc(operationId)}/result`,
        signal,
      });
      return definitionFrom(result.data, calls);
    }
    // NotStarted, Running, Undefined, or a status not documented yet: keep polling until the limit.
    if (!RUNNING.has(status) && status !== '') wait = Math.max(wait, limits.defaultPollMs);
    else wait = pollDelay(state, limits);
  }
}

function pollDelay(response: ApiResponse<unknown>, limits: OperationLimits): number {
  const asked = response.operation?.retryAfterMs;
  return Math.min(asked ?? limits.defaultPollMs, limits.maxPollMs);
}

/** x-ms-operation-id, else the id at the end of Location (…/operations/{id}); a GUID either way. */
function operationIdOf(response: ApiResponse<unknown>): string {
  const header = response.operation?.operationId?.trim();
  if (header && GUID.test(header)) return header;
  const fromLocation = /\/operations\/([^/?#]+)\/?(?:[?#].*)?$/i.exec(
    response.operation?.location ?? '',
  )?.[1];
  if (fromLocation && GUID.test(fromLocation)) return fromLocation;
  throw systemError(
    'The Fabric API accepted a report definition request (202) without an operation id to follow (x-ms-operation-id or Location).',
    { internalMessage: `POST fabricGetDefinition: 202 with x-ms-operation-id=${header ?? '(none)'}` },
  );
}

function operationError(data: unknown): { code?: string; message?: string } {
  const error = isObject(data) ? field(data, 'error') : undefined;
  if (!isObject(error)) return {};
  const code = stringField(error, 'errorCode') ?? stringField(error, 'code');
  const message = stringField(error, 'message');
  return {
    ...(code && { code: cut(code, MAX_VENDOR_CODE_CHARS) }),
    ...(message && { message: cut(message, MAX_VENDOR_MESSAGE_CHARS) }),
  };
}

function definitionFrom(data: unknown, calls: number): DefinitionOutcome {
  const definition = isObject(data) ? field(data, 'definition') : undefined;
  const parts = isObject(definition) ? arrayField(definition, 'parts') : undefined;
  if (!parts)
    return {
      kind: 'failed',
      code: 'NoDefinition',
      message: 'the answer carried no definition parts',
      calls,
    };
  return {
    kind: 'definition',
    parts: parts.filter(isObject).map((part) => ({
      path: stringField(part, 'path') ?? '',
      payload: stringField(part, 'payload') ?? '',
      payloadType: stringField(part, 'payloadType') ?? '',
    })),
    calls,
  };
}
