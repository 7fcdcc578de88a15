/**
 * The Fabric side of the simulator: report definitions of the tenant's reports (ground truth in
 * simulator/tenant/report-definitions.ts), long-running operations, and the knobs tests turn:
 * whether service principals may use Fabric APIs, workspaces where the connector's service
 * principal has only the Viewer role, and the Retry-After the operations ask for.
 */
import { randomUUID } from 'node:crypto';
import type { Tenant } from '../tenant/tenant.js';
import { reportDefinition, type ReportDefinitionTruth } from '../tenant/report-definitions.js';
import type { ScanDataset, ScanReport } from '../tenant/types.js';
import { definitionParts, type DefinitionPartBody } from './definition-files.js';

export interface FabricOptions {
  /** Retry-After (seconds) on 202 and on running operations (default 0: poll again at once). */
  retryAfterSeconds?: number;
}

/** The report as the workspace lists it, with the dataset it is built on (from its own or another workspace). */
export interface FoundReport {
  workspaceId: string;
  workspaceName: string;
  personal: boolean;
  report: ScanReport;
  dataset: ScanDataset | undefined;
}

export type OperationFate = 'succeed' | 'fail' | 'stuck';

interface Operation {
  id: string;
  caller: string;
  reportId: string;
  fate: OperationFate;
  runningPolls: number;
  polls: number;
  createdAt: string;
  parts: DefinitionPartBody[] | undefined;
}

export class FabricSim {
  /** The tenant setting "Service principals can use Fabric APIs". */
  allowServicePrincipals = true;
  /** Workspaces (ids, lower case) where the connector's principal is Viewer: no definition, pages yes. */
  readonly viewerWorkspaces = new Set<string>();
  retryAfterSeconds: number;
  /** Reports (ids, lower case) whose next definition operations fail or never end, until removed. */
  readonly operationFates = new Map<string, OperationFate>();
  private readonly operations = new Map<string, Operation>();

  constructor(
    private readonly tenant: Tenant,
    options: FabricOptions = {},
  ) {
    this.retryAfterSeconds = options.retryAfterSeconds ?? 0;
  }

  /** The report and its dataset, or undefined when the workspace or report does not exist. */
  find(workspaceId: string, reportId: string): FoundReport | undefined {
    const index = this.tenant.indexOf(workspaceId);
    if (index === undefined) return undefined;
    const summary = this.tenant.summary(index);
    if (summary.state !== 'Active') return undefined;
    const ws = this.tenant.build(index).workspace;
    const report = ws.reports.find((r) => r.id === reportId.toLowerCase());
    if (!report) return undefined;
    return {
      workspaceId: ws.id,
      workspaceName: ws.name,
      personal: summary.isPersonal,
      report,
      dataset: this.datasetOf(ws.id, report),
    };
  }

  private datasetOf(workspaceId: string, report: ScanReport): ScanDataset | undefined {
    if (!report.datasetId) return undefined;
    const index = this.tenant.indexOf(report.datasetWorkspaceId ?? workspaceId);
    if (index === undefined) return undefined;
    return this.tenant.build(index).workspace.datasets.find((d) => d.id === report.datasetId);
  }

  /** Ground truth: what the report's definition holds (undefined when it has none). */
  truth(workspaceId: string, reportId: string): ReportDefinitionTruth | undefined {
    const found = this.find(workspaceId, reportId);
    return found && reportDefinition(this.tenant.ctx.seed, found.report, found.dataset);
  }

  /** The encrypted sensitivity label of the tenant: the Fabric API refuses definitions of reports carrying it. */
  isEncrypted(report: ScanReport): boolean {
    return report.sensitivityLabel?.labelId === this.tenant.ctx.sensitivityLabels[3];
  }

  parts(found: FoundReport, truth: ReportDefinitionTruth): DefinitionPartBody[] {
    return definitionParts(truth, {
      workspaceName: found.workspaceName,
      datasetName: found.dataset?.name ?? '',
    });
  }

  startOperation(
    caller: string,
    reportId: string,
    fate: OperationFate,
    runningPolls: number,
    parts: DefinitionPartBody[] | undefined,
    now: number,
  ): Operation {
    const operation: Operation = {
      id: randomUUID(),
      caller,
      reportId,
      fate,
      runningPolls,
      polls: 0,
      createdAt: new Date(now).toISOString(),
      parts,
    };
    this.operations.set(operation.id, operation);
    return operation;
  }

  /** The operation of this caller, counting the poll; undefined when unknown. */
  poll(id: string, caller: string): (Operation & { status: string }) | undefined {
    const operation = this.operations.get(id.toLowerCase());
    if (!operation || operation.caller !== caller) return undefined;
    operation.polls += 1;
    return { ...operation, status: this.statusOf(operation) };
  }

  /** The result of a succeeded operation (read once: the operation is then forgotten). */
  result(id: string, caller: string): { status: string; parts?: DefinitionPartBody[] } | undefined {
    const operation = this.operations.get(id.toLowerCase());
    if (!operation || operation.caller !== caller) return undefined;
    const status = this.statusOf(operation);
    if (status !== 'Succeeded') return { status };
    this.operations.delete(operation.id);
    return { status, ...(operation.parts && { parts: operation.parts }) };
  }

  private statusOf(operation: Operation): string {
    if (operation.fate === 'stuck') return operation.polls <= 1 ? 'NotStarted' : 'Running';
    if (operation.polls <= operation.runningPolls) return operation.polls <= 1 ? 'NotStarted' : 'Running';
    return operation.fate === 'fail' ? 'Failed' : 'Succeeded';
  }

  get openOperations(): number {
    return this.operations.size;
  }
}
