/**
 * Structured data sources: models that came from Analysis Services (or were written with its tools)
 * read a data source by name, `#"SQL/server;Database"`. The name is `<kind>/<path>`, the kind and
 * path of the connection's credential, so it says which data-access call it stands for. Names
 * that do not say it (`#"Warehouse"`) are matched with the dataset's datasources from the scan.
 */
import type { DataSourceHint } from '../types.js';

/** The data-access call a structured data source stands for; `null` arguments are M's null. */
export interface StructuredCall {
  readonly functionName: string;
  readonly args: readonly (string | null)[];
}

type PathToCall = (parts: readonly string[]) => StructuredCall | undefined;

function withParts(functionName: string, count: number): PathToCall {
  return (parts) => {
    const args = parts.slice(0, count);
    if (args.length < count || args.some((arg) => arg === '')) return undefined;
    return { functionName, args };
  };
}

/** `<server>;<database>` kinds and the call their connection is. Kinds compare case-insensitively. */
const BY_KIND: Readonly<Record<string, PathToCall>> = {
  sql: withParts('Sql.Database', 2),
  oracle: withParts('Oracle.Database', 1),
  postgresql: withParts('PostgreSQL.Database', 2),
  mysql: withParts('MySQL.Database', 2),
  teradata: withParts('Teradata.Database', 1),
  amazonredshift: withParts('AmazonRedshift.Database', 2),
  snowflake: withParts('Snowflake.Databases', 2),
  analysisservices: withParts('AnalysisServices.Database', 2),
  azuredataexplorer: (parts) => {
    const call = withParts('AzureDataExplorer.Contents', 2)(parts);
    return call === undefined ? undefined : { ...call, args: [...call.args, null] };
  },
  databricks: withParts('Databricks.Catalogs', 2),
  file: withParts('File.Contents', 1),
  folder: withParts('Folder.Files', 1),
  sharepoint: withParts('SharePoint.Files', 1),
  web: withParts('Web.Contents', 1),
  azureblobs: withParts('AzureStorage.Blobs', 1),
  azuredatalakestorage: withParts('AzureStorage.DataLake', 1),
};

/** The scan's `datasourceType` -> the kind of a structured data source name. */
const KIND_OF_DATASOURCE_TYPE: Readonly<Record<string, string>> = {
  sql: 'sql',
  oracle: 'oracle',
  postgresql: 'postgresql',
  mysql: 'mysql',
  teradata: 'teradata',
  amazonredshift: 'amazonredshift',
  snowflake: 'snowflake',
  analysisservices: 'analysisservices',
  azuredataexplorer: 'azuredataexplorer',
  kusto: 'azuredataexplorer',
  databricks: 'databricks',
  file: 'file',
  folder: 'folder',
  sharepointlist: 'sharepoint',
  sharepoint: 'sharepoint',
  web: 'web',
  azureblobs: 'azureblobs',
  azuredatalakestorage: 'azuredatalakestorage',
};

/** Host names have no spaces: `myserver database windows net` is `myserver.database.windows.net` with its dots lost. */
function restoreDots(server: string): string {
  return /^[\w-]+( [\w-]+)+$/.test(server) ? server.replace(/ /g, '.') : server;
}

/** `SQL/server;Database` -> Sql.Database("server", "Database"); undefined for names of another shape. */
export function structuredSourceCall(name: string): StructuredCall | undefined {
  const slash = name.indexOf('/');
  if (slash <= 0) return undefined;
  const toCall = BY_KIND[name.slice(0, slash).toLowerCase()];
  if (toCall === undefined) return undefined;
  const path = name.slice(slash + 1);
  const parts = path.includes(';') ? path.split(';').map((part) => part.trim()) : [path.trim()];
  const call = toCall(parts);
  if (call === undefined) return undefined;
  const [server, ...rest] = call.args;
  return typeof server === 'string' && /^(sql|oracle|postgresql|mysql|teradata|amazonredshift)\//i.test(name)
    ? { ...call, args: [restoreDots(server), ...rest] }
    : call;
}

function callOfHint(hint: DataSourceHint): StructuredCall | undefined {
  const kind = KIND_OF_DATASOURCE_TYPE[hint.type.replace(/[\s_-]/g, '').toLowerCase()];
  const toCall = kind === undefined ? undefined : BY_KIND[kind];
  if (toCall === undefined) return undefined;
  const first = hint.server ?? hint.url ?? hint.path;
  const parts = [first, hint.database].filter((part): part is string => part !== undefined && part !== '');
  return toCall(parts);
}

export interface InferredSource {
  readonly call: StructuredCall;
  readonly hint: DataSourceHint;
}

/**
 * A name that is not self-describing, matched with the dataset's datasources: the one datasource
 * the dataset has, or the one whose server or database the name mentions. Undefined when none or
 * several fit (guessing between them would invent lineage).
 */
export function inferStructuredSource(
  name: string,
  hints: readonly DataSourceHint[],
): InferredSource | undefined {
  const usable = distinct(hints).flatMap((hint) => {
    const call = callOfHint(hint);
    return call === undefined ? [] : [{ call, hint }];
  });
  if (usable.length === 1) return usable[0];
  const mentioned = usable.filter(({ hint }) => mentions(name, hint.database) || mentions(name, hint.server));
  return mentioned.length === 1 ? mentioned[0] : undefined;
}

/** The name is the part, or has it as one of its words (`DW Sales` mentions `Sales`, `DWH` does not mention `DW`). */
function mentions(name: string, part: string | undefined): boolean {
  if (part === undefined || part === '') return false;
  const wanted = part.toLowerCase();
  const lowered = name.toLowerCase();
  return lowered === wanted || lowered.split(/[^a-z0-9_.-]+/).includes(wanted);
}

function distinct(hints: readonly DataSourceHint[]): DataSourceHint[] {
  const seen = new Set<string>();
  return hints.filter((hint) => {
    const key = JSON.stringify([hint.type, hint.server, hint.database, hint.url, hint.path]).toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
