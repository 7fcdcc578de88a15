/**
 * Every stream the connector offers, in catalog order: discover, read, Singer mode, the docs
 * tables and the standard test suite all iterate this list. A new stream is one line here.
 */
import { activityEventsStream } from './activity-events.js';
import type { ApiStreamDefinition } from './api-stream.js';
import { appsStream } from './apps.js';
import { artifactAccessStream } from './artifact-access.js';
import { columnLineageStream } from './column-lineage.js';
import { columnsStream } from './columns.js';
import { dashboardTilesStream } from './dashboard-tiles.js';
import { dashboardsStream } from './dashboards.js';
import { dataflowsStream } from './dataflows.js';
import { datamartsStream } from './datamarts.js';
import { datasetsStream } from './datasets.js';
import { datasourcesStream } from './datasources.js';
import { fabricItemsStream } from './fabric-items.js';
import { gatewaysStream } from './gateways.js';
import { lineageStream } from './lineage.js';
import { measuresStream } from './measures.js';
import { refreshHistoryStream } from './refresh-history.js';
import { reportDefinitionsStream } from './report-definitions.js';
import { reportPagesStream } from './report-pages.js';
import { reportVisualsStream } from './report-visuals.js';
import { reportsStream } from './reports.js';
import type { ScanStreamDefinition, StreamDefinition } from './stream.js';
import { tablesStream } from './tables.js';
import { workspacesStream } from './workspaces.js';

export const streams: readonly StreamDefinition[] = [
  // scan: mapped from the shared scan
  workspacesStream,
  reportsStream,
  dashboardsStream,
  dashboardTilesStream,
  datasetsStream,
  tablesStream,
  columnsStream,
  measuresStream,
  dataflowsStream,
  datamartsStream,
  fabricItemsStream,
  datasourcesStream,
  artifactAccessStream,
  lineageStream,
  columnLineageStream,
  // api: their own reads, after the scan
  activityEventsStream,
  refreshHistoryStream,
  appsStream,
  gatewaysStream,
  reportDefinitionsStream,
  reportPagesStream,
  reportVisualsStream,
];

export const scanStreams: readonly ScanStreamDefinition[] = streams.filter((s) => s.kind === 'scan');
export const apiStreams: readonly ApiStreamDefinition[] = streams.filter((s) => s.kind === 'api');

const byName = new Map(streams.map((stream) => [stream.name, stream]));

export function streamByName(name: string): StreamDefinition | undefined {
  return byName.get(name);
}
