import { parseOptions } from '../config/config.js';
import { ConnectorError, asConnectorError, transientError } from '../errors.js';
import { connectionStatusMessage, logMessage, type AirbyteMessage } from '../protocol/messages.js';
import { listWorkspacesWithAdminApi } from './check/admin-access-step.js';
import { CHECK_LIMITS, connectForCheck } from './check/check-session.js';
import { probeReportDefinition, SampleReportPicker } from './check/report-definition-step.js';
import { sampleScanOptions, scanSample } from './check/sample-scan-step.js';
import { sampleWorkspaces } from './check/sample-workspaces.js';
import { emptyEvidence, type ScanEvidence } from './check/scan-evidence.js';
import {
  DAX_AND_MASHUP,
  DETAILED_METADATA,
  settingFindings,
  type Finding,
} from './check/setting-findings.js';
import { acquireToken, identityOf } from './check/token-step.js';
import type { CommandContext } from './context.js';
import { MessageChannel } from './read/channel.js';

function hostOf(url: string): string {
  return new URL(url).host;
}

function summary(
  identity: string,
  listed: number,
  evidence: ScanEvidence,
  findings: Finding[],
  reportFindings: Finding[],
): string {
  const scanned =
    evidence.workspaces === 0
      ? 'no workspace to test-scan'
      : `a test scan of ${evidence.workspaces} workspace(s) returned ${evidence.datasets} semantic model(s), ${evidence.datasetsWithTables} with tables, ${evidence.datasetsWithExpressions} with expressions`;
  const off = findings
    .filter((f) => f.level === 'WARN' && f.setting)
    .map((f) => `"${f.setting === 'detailed-metadata' ? DETAILED_METADATA : DAX_AND_MASHUP}"`);
  const warning =
    off.length > 0
      ? ` Warning: the tenant setting ${off.join(' and ')} appears to be off; see the log for the streams affected.`
      : '';
  const reports = reportFindings.some((f) => f.level === 'WARN')
    ? ' Warning: report definitions cannot be read as configured; see the log for what to change.'
    : '';
  return `Signed in as ${identity}; the read-only admin APIs answered (${listed} workspace(s)); ${scanned}.${warning}${reports}`;
}

/**
 * The steps of check, in order; the first failure throws (a config_error becomes CONNECTION_STATUS
 * FAILED in run.ts). Findings about optional tenant settings go out as LOG messages.
 */
async function runChecks(
  rawConfig: unknown,
  context: CommandContext,
  channel: MessageChannel<AirbyteMessage>,
): Promise<AirbyteMessage> {
  const started = Date.now();
  const options = parseOptions(rawConfig, context.redactor);
  const steps = options.reportDefinitions.enabled ? 6 : 5;
  const step = (index: number, text: string): void =>
    context.progress(`check ${index}/${steps}: ${text} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const session = connectForCheck(options, context, (message) => channel.offer(message));
  const { authorityHost, apiBaseUrl } = session.tokens.cloudEndpoints;
  step(1, 'the config is valid');
  try {
    const identity = identityOf(options.auth.credentials);
    await acquireToken(session.tokens);
    step(2, `Microsoft Entra ID at ${hostOf(authorityHost)} issued a token to ${identity}`);
    const listed = await listWorkspacesWithAdminApi(session.client, options, apiBaseUrl);
    step(3, `the Power BI API at ${hostOf(apiBaseUrl)} accepted the token`);
    step(4, `the read-only admin APIs answered: ${listed.length} workspace(s)`);
    const ids = sampleWorkspaces(listed, options.workspaces);
    const reports = new SampleReportPicker();
    const evidence =
      ids.length === 0
        ? emptyEvidence()
        : await scanSample(
            session.client,
            ids,
            sampleScanOptions(options.scan, ids, CHECK_LIMITS.deadlineMs),
            reports.onWorkspace,
          );
    step(
      5,
      `test scan of ${evidence.workspaces} workspace(s): ${evidence.datasets} semantic model(s), ${evidence.datasetsWithTables} with tables, ${evidence.datasetsWithExpressions} with expressions`,
    );
    const reportFindings = await probeReportDefinition(
      session.client,
      options,
      reports.picked,
      CHECK_LIMITS.reportDefinitionWaitMs,
    );
    if (options.reportDefinitions.enabled)
      step(6, `report definitions: ${reportFindings.map((f) => f.level).join(', ') || 'nothing to say'}`);
    const findings = settingFindings(evidence, options.scan);
    for (const finding of [...findings, ...reportFindings])
      await channel.push(logMessage(finding.level, finding.message));
    return connectionStatusMessage(
      'SUCCEEDED',
      summary(identity, listed.length, evidence, findings, reportFindings),
    );
  } catch (error) {
    if (!session.deadline.aborted) throw error;
    throw transientError(
      `check did not finish within ${CHECK_LIMITS.deadlineMs / 1000} s: the Power BI API at ${hostOf(apiBaseUrl)} is slow or its scanner is busy. Try again later.`,
      { internalMessage: asConnectorError(error).message, cause: error },
    );
  } finally {
    session.close();
  }
}

/** FAILED shows only the message: keep Microsoft's code in it (AADSTS…), which users search for. */
function withVendorCode(error: ConnectorError): ConnectorError {
  const code = error.vendorCode;
  if (!code || error.message.includes(code)) return error;
  return new ConnectorError(`${error.message} (${code})`, {
    failureType: error.failureType,
    vendorCode: code,
    ...(error.internalMessage !== undefined && { internalMessage: error.internalMessage }),
    ...(error.httpStatus !== undefined && { httpStatus: error.httpStatus }),
    cause: error,
  });
}

/**
 * Every failure of check is its answer: FAILED with what could not be done and why (an unreachable
 * host, a refused secret, a bug), exit 0, as Airbyte's CDK answers any failed connection check. A
 * bug's details go to the log too, for the report.
 */
function failedStatus(thrown: unknown): AirbyteMessage[] {
  const error = withVendorCode(asConnectorError(thrown));
  const retry =
    error.retryAfterMs === undefined ? '' : ` Retry after ${new Date(error.retryAfterMs).toISOString()}.`;
  const details =
    error.failureType === 'system_error' && error.internalMessage
      ? [logMessage('ERROR', `check failed unexpectedly: ${error.internalMessage}`)]
      : [];
  return [...details, connectionStatusMessage('FAILED', `${error.message}${retry}`)];
}

/**
 * check: config, token, Power BI API, read-only admin APIs, then a one-batch test scan that shows
 * whether tables and expressions come back. Never a full scan; CONTROL goes out if the refresh
 * token rotates. Always ends with one CONNECTION_STATUS.
 */
export async function* checkCommand(
  rawConfig: unknown,
  context: CommandContext,
): AsyncGenerator<AirbyteMessage> {
  const channel = new MessageChannel<AirbyteMessage>();
  const task = runChecks(rawConfig, context, channel).then(
    (status) => {
      channel.offer(status);
      channel.close();
    },
    (error: unknown) => {
      for (const message of failedStatus(error)) channel.offer(message);
      channel.close();
    },
  );
  try {
    yield* channel.drain();
  } finally {
    await task;
  }
}
