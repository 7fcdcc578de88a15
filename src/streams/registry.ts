/** Every stream the connector offers, in catalog order. */
import { artifactAccessStream } from './artifact-access.js';
import { columnsStream } from './columns.js';
import { dashboardTilesStream } from './dashboard-tiles.js';
import { dashboardsStream } from './dashboards.js';
import { dataflowsStream } from './dataflows.js';
import { datamartsStream } from './datamarts.js';
import { datasetsStream } from './datasets.js';
import { datasourcesStream } from './datasources.js';
import { lineageStream } from './lineage.js';
import { measuresStream } from './measures.js';
import { reportsStream } from './reports.js';
import type { StreamDefinition } from './stream.js';
import { tablesStream } from './tables.js';
import { workspacesStream } from './workspaces.js';

export const streams: readonly StreamDefinition[] = [
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
  datasourcesStream,
  artifactAccessStream,
  lineageStream,
];

const byName = new Map(streams.map((stream) => [stream.name, stream]));

export function streamByName(name: string): StreamDefinition | undefined {
  return byName.get(name);
}
