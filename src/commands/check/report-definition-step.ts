/**
 * check, when report definitions are on: asks the Fabric API for one report's definition (a report
 * of the test-scanned workspaces) and says what would keep the report streams from reading: the
 * tenant setting "Service principals can use Fabric APIs" (401), a missing workspace role (403),
 * an encrypted label, a cloud without a known Fabric API. Never fails check: the streams are optional.
 */
import type { ConnectorOptions } from '../../config/options.js';
import { ConnectorError } from '../../errors.js';
import type { PowerBiClient } from '../../powerbi/client.js';
import type { ScanWorkspace } from '../../powerbi/scan-types.js';
import type { Finding } from './setting-findings.js';

export const FABRIC_SETTING = 'Service principals can use Fabric APIs';

export interface SampleReport {
  workspaceId: string;
  reportId: string;
  name: string;
}

/** The first Power BI report (with a dataset, not an app's copy) of a shared workspace, if any. */
export class SampleReportPicker {
  picked: SampleReport | undefined;

  onWorkspace = (ws: ScanWorkspace): void => {
    if (this.picked) return;
    const type = (ws.type ?? 'Workspace').toLowerCase();
    if (type === 'personalgroup' || type === 'personal') return;
    const report = (ws.reports ?? []).find(
      (r) => r.id && r.datasetId && !r.appId && (r.reportType ?? 'PowerBIReport') === 'PowerBIReport',
    );
    if (report?.id) this.picked = { workspaceId: ws.id, reportId: report.id, name: report.name ?? report.id };
  };
}

const ROLE_FIX =
  'add the service principal to the workspaces whose reports you want read as Contributor (or higher): reading a report definition needs read and write permission on the report';

function refusal(error: ConnectorError, sample: SampleReport): Finding {
  const what = `the Fabric API refused the definition of report "${sample.name}" (${error.internalMessage ?? error.message})`;
  if (error.vendorCode?.toUpperCase().startsWith('AADSTS'))
    return {
      level: 'WARN',
      message: `report_definitions: Microsoft Entra ID gave no token for the Fabric API (${error.message}). The report streams will have no visuals.`,
    };
  if (error.httpStatus === 401)
    return {
      level: 'WARN',
      message: `report_definitions: ${what}. Enable the tenant setting "${FABRIC_SETTING}" (Fabric admin portal > Tenant settings > Developer settings) for a security group that contains the service principal; then ${ROLE_FIX}.`,
    };
  if (error.httpStatus === 403)
    return {
      level: 'WARN',
      message: `report_definitions: ${what}: the service principal has no Contributor role in workspace ${sample.workspaceId}; ${ROLE_FIX}. Reports it cannot read become report_definitions rows with status no_access.`,
    };
  if (/protected label|sensitivity label/i.test(`${error.vendorCode ?? ''} ${error.internalMessage ?? ''}`))
    return {
      level: 'INFO',
      message: `report_definitions: report "${sample.name}" has an encrypted sensitivity label, so its definition cannot be read (status encrypted_label); the access to other reports could not be verified.`,
    };
  return { level: 'WARN', message: `report_definitions: ${what}.` };
}

export async function probeReportDefinition(
  client: PowerBiClient,
  options: ConnectorOptions,
  sample: SampleReport | undefined,
  maxWaitMs: number,
): Promise<Finding[]> {
  if (!options.reportDefinitions.enabled) return [];
  if (!client.fabricAvailable)
    return [
      {
        level: 'WARN',
        message: `report_definitions: no Fabric API is known for the cloud "${options.auth.cloud}": set report_definitions.fabric_api_base_url_override, or the report streams will only have page names (Pages API).`,
      },
    ];
  if (!sample)
    return [
      {
        level: 'INFO',
        message: `report_definitions: no Power BI report in the test-scanned workspaces, so access to report definitions could not be verified (the service principal needs the Contributor role in each workspace and the tenant setting "${FABRIC_SETTING}").`,
      },
    ];
  try {
    const outcome = await client.getReportDefinition(sample.workspaceId, sample.reportId, { maxWaitMs });
    if (outcome.kind === 'definition')
      return [
        {
          level: 'INFO',
          message: `report_definitions: the Fabric API gave the definition of report "${sample.name}".`,
        },
      ];
    return [
      {
        level: 'INFO',
        message: `report_definitions: the Fabric API accepted the request for report "${sample.name}" but its operation ${outcome.kind === 'failed' ? `failed (${outcome.code ?? 'no code'})` : 'did not finish in time'}; access looks granted.`,
      },
    ];
  } catch (error) {
    if (!(error instanceof ConnectorError)) throw error;
    return [refusal(error, sample)];
  }
}
