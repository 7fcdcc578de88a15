/**
 * AnalysisServices.Database(server, database, options) and AnalysisServices.Databases(server, options)
 * navigated `{[Name="Model"]}[Data]`: a composite model over another semantic model (an XMLA endpoint
 * `powerbi://api.powerbi.com/v1.0/myorg/<workspace>`) or an Azure (`asazure://…`) or on-premises
 * Analysis Services database. The upstream is the dataset itself: `workspace.dataset` or
 * `server.database`, also when `[Query="EVALUATE …"]` (DAX or MDX) reads part of it.
 * https://learn.microsoft.com/power-bi/transform-model/desktop-composite-models
 */
import type { CallContext, FunctionTable } from '../m/call-context.js';
import { referenceOf } from '../reference.js';
import { KIND_LEVELS } from '../m/navigation.js';
import { opaque, source, unresolvedOf, type MValue } from '../m/values.js';

/** The workspace name at the end of a `powerbi://` XMLA endpoint; a stray `%` leaves it as written. */
function workspaceOf(server: string): string {
  const last = server.replace(/\/+$/, '').split('/').pop() ?? server;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

function datasetReference(call: CallContext, server: string, database: string): MValue {
  const powerBi = /^powerbi:\/\//i.test(server);
  const workspace = powerBi ? workspaceOf(server) : server;
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

/** `{[Name="Model"]}` picks a database; a key that is not known statically says why. */
function navigateToDatabase(call: CallContext, server: string, keys: ReadonlyMap<string, MValue>): MValue {
  const name = [...keys.entries()].find(([key]) => key.toLowerCase() === 'name')?.[1];
  const database = call.textOfValue(name, 'database');
  if (database !== undefined) return datasetReference(call, server, database);
  if (unresolvedOf(name) === undefined) {
    call.report({
      kind: 'unresolved_navigation',
      functionName: call.name,
      message: `The database navigated to in a ${call.name} source is not given by a known Name; no dataset can be named.`,
    });
  }
  return opaque();
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
    navigate: (_state, keys) => navigateToDatabase(call, server, keys),
  });
}

export const ANALYSIS_SERVICES_FUNCTIONS: FunctionTable = {
  'AnalysisServices.Database': analysisServicesDatabase,
  'AnalysisServices.Databases': analysisServicesDatabases,
};
