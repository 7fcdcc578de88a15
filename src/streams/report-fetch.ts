/**
 * One report's definition, or the reason it has none: getDefinition (a long-running operation),
 * parsed; when the definition cannot be had, the Pages API for names and order at least. A report
 * that cannot be read is an outcome with a status and a reason, never an exception: only failures
 * that concern the whole run (throttling beyond patience, sign-in, 5xx after retries, an expired
 * token that keeps expiring) are thrown, and the stream stops resumably.
 */
import { ConnectorError } from '../errors.js';
import type { PowerBiClient } from '../powerbi/client.js';
import type { JsonObject } from '../powerbi/json-shapes.js';
import type { DefinitionOutcome } from '../powerbi/report-definitions.js';
import { answeredByPowerBi, judgeApiFailure } from './api-refusal.js';
import type { ParsedDefinition, ParsedPage } from './report-definition-model.js';
import { parseDefinition } from './report-definition-parser.js';
import type { ReportTarget } from './report-targets.js';

export type ReportStatus =
  | 'read'
  | 'no_access'
  | 'encrypted_label'
  | 'unsupported'
  | 'skipped'
  | 'not_found'
  | 'operation_failed'
  | 'timed_out'
  | 'unparsable';

/**
 * done: read again only when the report changes; refused: read again after a day (a role or label
 * may change without the report changing); retry: read again next sync.
 */
export type Settlement = 'done' | 'refused' | 'retry';

const SETTLEMENT: Record<ReportStatus, Settlement> = {
  read: 'done',
  unsupported: 'done',
  skipped: 'done',
  not_found: 'done',
  unparsable: 'done',
  no_access: 'refused',
  encrypted_label: 'refused',
  operation_failed: 'retry',
  timed_out: 'retry',
};

export interface ReportOutcome {
  target: ReportTarget;
  /** When the read ended: the cursor of every record of this report, in all three streams. */
  readAt: string;
  status: ReportStatus;
  reason: string | null;
  vendorCode: string | null;
  definition: ParsedDefinition | null;
  /** From the Pages API when the definition could not be had; null when not asked or refused too. */
  fallbackPages: ParsedPage[] | null;
  /** API calls made for this report (each poll counts; retries inside a call do not). */
  calls: number;
  settlement: Settlement;
}

type FetchClient = Pick<PowerBiClient, 'fabricAvailable' | 'getReportDefinition' | 'listReportPages'>;

export interface FetchSettings {
  maxWaitMs: number;
}

interface Verdict {
  status: ReportStatus;
  reason: string;
  vendorCode: string | null;
  /** Worth asking the Pages API for names and order. */
  tryPages: boolean;
}

const PROTECTED_LABEL = /protected label|sensitivity label|encrypt/i;

function noAccessReason(t: ReportTarget): string {
  return (
    `the Fabric API refused the report's definition: add the service principal to workspace ${t.workspaceId} ` +
    'as Contributor (or higher: reading a definition needs read and write permission on the report) and enable the ' +
    'tenant setting "Service principals can use Fabric APIs" for it.'
  );
}

/** What a refused getDefinition means for this report; undefined when the failure concerns the run. */
function verdictOf(error: unknown, t: ReportTarget): Verdict | undefined {
  if (!(error instanceof ConnectorError) || !answeredByPowerBi(error)) return undefined;
  if (/with a body over the limit/.test(error.internalMessage ?? ''))
    return {
      status: 'unparsable',
      reason: `the definition is over the size limit on answers (${error.internalMessage ?? ''})`,
      vendorCode: null,
      tryPages: true,
    };
  const verdict = judgeApiFailure(error);
  const code = error.vendorCode ?? null;
  const said = `${code ?? ''} ${error.internalMessage ?? ''}`;
  if (verdict === 'gone')
    return { status: 'not_found', reason: 'the report no longer exists', vendorCode: code, tryPages: false };
  if (verdict !== 'denied' && error.httpStatus !== 400) return undefined;
  if (PROTECTED_LABEL.test(said))
    return {
      status: 'encrypted_label',
      reason:
        'the report has a sensitivity label with encryption (protection): the Fabric API does not give its definition.',
      vendorCode: code,
      tryPages: true,
    };
  if (code === 'OperationNotSupportedForItem')
    return {
      status: 'unsupported',
      reason: 'the Fabric API does not give a definition for this report (OperationNotSupportedForItem).',
      vendorCode: code,
      tryPages: true,
    };
  if (verdict === 'denied')
    return { status: 'no_access', reason: noAccessReason(t), vendorCode: code, tryPages: true };
  return {
    status: 'operation_failed',
    reason: `the Fabric API rejected the request (${error.internalMessage ?? error.message})`,
    vendorCode: code,
    tryPages: true,
  };
}

function fromOperation(
  outcome: Exclude<DefinitionOutcome, { kind: 'definition' }>,
  maxWaitMs: number,
): Verdict {
  if (outcome.kind === 'timed-out')
    return {
      status: 'timed_out',
      reason: `the definition's long-running operation was still running after ${Math.round(maxWaitMs / 1000)} s (report_definitions.operation_timeout_seconds); it is read again next sync.`,
      vendorCode: null,
      tryPages: true,
    };
  return {
    status: 'operation_failed',
    reason: `the definition's long-running operation failed${outcome.message ? `: ${outcome.message}` : ''}; it is read again next sync.`,
    vendorCode: outcome.code ?? null,
    tryPages: true,
  };
}

/** Reports nothing is asked about: their status follows from the scan alone. */
function withoutCalls(t: ReportTarget): Verdict | undefined {
  switch (t.kind) {
    case 'paginated':
      return {
        status: 'unsupported',
        reason: 'a paginated report has no pages or visuals to read.',
        vendorCode: null,
        tryPages: false,
      };
    case 'app_copy':
      return {
        status: 'skipped',
        reason: "an app's copy of a report: its pages and visuals are read from the original report.",
        vendorCode: null,
        tryPages: false,
      };
    case 'personal':
      return {
        status: 'no_access',
        reason: 'a report in a personal workspace: a service principal is never a member of one.',
        vendorCode: null,
        tryPages: false,
      };
    case 'report':
      return undefined;
  }
}

/** Pages API order comes as a string ("0") as often as a number. */
function pagesFrom(rows: JsonObject[]): ParsedPage[] {
  return rows.flatMap((row) => {
    const name = typeof row.name === 'string' ? row.name : undefined;
    if (!name) return [];
    const order = Number(row.order);
    return [
      {
        name,
        displayName: typeof row.displayName === 'string' ? row.displayName : null,
        order: row.order !== undefined && row.order !== null && Number.isInteger(order) ? order : null,
        hidden: false,
        pageType: null,
        width: null,
        height: null,
      },
    ];
  });
}

/** The Pages API; null when it refuses too (or the report is gone): anything else concerns the run. */
async function pagesFallback(client: FetchClient, t: ReportTarget): Promise<ParsedPage[] | null> {
  try {
    return pagesFrom(await client.listReportPages(t.workspaceId, t.id));
  } catch (error) {
    const verdict = judgeApiFailure(error);
    if (verdict === 'denied' || verdict === 'gone') return null;
    throw error;
  }
}

function outcome(
  t: ReportTarget,
  verdict: Verdict | { status: 'read'; reason: null; vendorCode: null },
  definition: ParsedDefinition | null,
  fallbackPages: ParsedPage[] | null,
  calls: number,
): ReportOutcome {
  return {
    target: t,
    readAt: new Date().toISOString(),
    status: verdict.status,
    reason: verdict.reason,
    vendorCode: verdict.vendorCode,
    definition,
    fallbackPages,
    calls,
    settlement: SETTLEMENT[verdict.status],
  };
}

async function withPages(
  client: FetchClient,
  t: ReportTarget,
  verdict: Verdict,
  calls: number,
): Promise<ReportOutcome> {
  if (!verdict.tryPages) return outcome(t, verdict, null, null, calls);
  return outcome(t, verdict, null, await pagesFallback(client, t), calls + 1);
}

export async function fetchReport(
  client: FetchClient,
  t: ReportTarget,
  settings: FetchSettings,
): Promise<ReportOutcome> {
  const skipped = withoutCalls(t);
  if (skipped) return outcome(t, skipped, null, null, 0);
  if (!client.fabricAvailable) {
    const verdict: Verdict = {
      status: 'unsupported',
      reason:
        'no Fabric API is known for this cloud (report_definitions.fabric_api_base_url_override): pages come from the Pages API, without visuals.',
      vendorCode: null,
      tryPages: true,
    };
    return withPages(client, t, verdict, 0);
  }
  let result: DefinitionOutcome;
  try {
    result = await client.getReportDefinition(t.workspaceId, t.id, { maxWaitMs: settings.maxWaitMs });
  } catch (error) {
    const verdict = verdictOf(error, t);
    if (!verdict) throw error;
    return withPages(client, t, verdict, 1);
  }
  if (result.kind !== 'definition')
    return withPages(client, t, fromOperation(result, settings.maxWaitMs), result.calls);
  const parsed = parseDefinition(result.parts);
  if (!('format' in parsed)) {
    const verdict: Verdict = {
      status: 'unparsable',
      reason: `the definition could not be read: ${parsed.problems.slice(0, 3).join('; ')}`,
      vendorCode: null,
      tryPages: true,
    };
    return withPages(client, t, verdict, result.calls);
  }
  return outcome(t, { status: 'read', reason: null, vendorCode: null }, parsed, null, result.calls);
}
