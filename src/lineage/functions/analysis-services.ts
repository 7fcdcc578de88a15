/**
 * AnalysisServices.Database(server, database): a composite model over another semantic model
 * (`powerbi://api.powerbi.com/v1.0/myorg/<workspace>`) or an Analysis Services database.
 * The upstream is the dataset itself: `workspace.dataset` or `server.database`.
 * https://learn.microsoft.com/power-bi/transform-model/desktop-composite-models
 */
import type { CallContext, FunctionTable } from '../m/call-context.js';
import { referenceOf } from '../reference.js';
import { KIND_LEVELS } from '../m/navigation.js';
import { opaque, source, type MValue } from '../m/values.js';

function datasetReference(call: CallContext, server: string, database: string): MValue {
  const powerBi = /^powerbi:\/\//i.test(server);
  const workspace = decodeURIComponent(server.replace(/\/+$/, '').split('/').pop() ?? server);
  const reference = referenceOf({
    platform: powerBi ? 'powerbi' : 'analysisservices',
    kind: 'dataset',
    server,
    parts: { database: powerBi ? workspace : server, table: database },
    via: call.name,
  });
  return opaque(reference === undefined ? [] : [reference]);
}

function analysisServicesDatabase(call: CallContext): MValue {
  const server = call.text(0, 'server');
  const database = call.text(1, 'database');
  if (server === undefined || database === undefined) return opaque();
  return datasetReference(call, server, database);
}

function analysisServicesDatabases(call: CallContext): MValue {
  const server = call.text(0, 'server');
  if (server === undefined) return opaque();
  return source({
    via: call.name,
    platform: 'analysisservices',
    kind: 'dataset',
    server,
    parts: {},
    rules: { levels: ['table'], keyLevels: {}, kindLevels: KIND_LEVELS },
    navigate: (_state, keys) => {
      const name = [...keys.entries()].find(([key]) => key.toLowerCase() === 'name')?.[1];
      return name?.kind === 'text' ? datasetReference(call, server, name.text) : opaque();
    },
  });
}

export const ANALYSIS_SERVICES_FUNCTIONS: FunctionTable = {
  'AnalysisServices.Database': analysisServicesDatabase,
  'AnalysisServices.Databases': analysisServicesDatabases,
};
