/**
 * PowerPlatform.Dataflows / PowerBI.Dataflows / Dataflows.Contents: navigation
 * workspaceId -> dataflowId -> entity. Names are `workspaceid.dataflowid.entity`.
 * https://learn.microsoft.com/power-query/connectors/dataflows
 */
import type { CallContext, FunctionTable } from '../m/call-context.js';
import { KIND_LEVELS } from '../m/navigation.js';
import { source, type MValue } from '../m/values.js';

function dataflows(call: CallContext): MValue {
  return source({
    via: call.name,
    platform: 'dataflow',
    kind: 'dataflow',
    server: null,
    parts: {},
    rules: {
      levels: ['database', 'schema', 'table'],
      // `Name` is taken as a level only through these explicit keys; `{[Id="Workspaces"]}` is a folder.
      keyLevels: { workspaceid: 'database', dataflowid: 'schema', entity: 'table', name: 'table' },
      kindLevels: KIND_LEVELS,
    },
  });
}

export const DATAFLOW_FUNCTIONS: FunctionTable = {
  'PowerPlatform.Dataflows': dataflows,
  'PowerBI.Dataflows': dataflows,
  'Dataflows.Contents': dataflows,
};
