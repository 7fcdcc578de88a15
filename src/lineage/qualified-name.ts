/**
 * How each platform names a table, and the defaults an unqualified name in native SQL gets.
 * The qualified name is lower-cased and dot-joined; see docs/lineage.md for the table of shapes.
 */

/** One part of a qualified table name (and a level of a source that navigation fills). */
export type Level = 'catalog' | 'database' | 'schema' | 'table';

interface PlatformNaming {
  /** Levels that make up the qualified name, outermost first. */
  readonly levels: readonly Level[];
  /** Schema an unqualified table in native SQL resolves to. */
  readonly defaultSchema?: string;
}

const THREE_PART: readonly Level[] = ['database', 'schema', 'table'];
const TWO_PART: readonly Level[] = ['database', 'table'];

const NAMING: Readonly<Record<string, PlatformNaming>> = {
  sqlserver: { levels: THREE_PART, defaultSchema: 'dbo' },
  fabric: { levels: THREE_PART, defaultSchema: 'dbo' },
  synapse: { levels: THREE_PART, defaultSchema: 'dbo' },
  postgres: { levels: THREE_PART, defaultSchema: 'public' },
  redshift: { levels: THREE_PART, defaultSchema: 'public' },
  // Snowflake sets the session schema to PUBLIC when only a database is selected.
  snowflake: { levels: THREE_PART, defaultSchema: 'public' },
  databricks: { levels: THREE_PART, defaultSchema: 'default' },
  bigquery: { levels: THREE_PART },
  oracle: { levels: THREE_PART },
  mysql: { levels: TWO_PART },
  teradata: { levels: TWO_PART },
  athena: { levels: ['catalog', 'database', 'table'] },
  dataflow: { levels: THREE_PART },
  powerbi: { levels: TWO_PART },
  analysisservices: { levels: TWO_PART },
  kusto: { levels: TWO_PART },
  file: { levels: ['table'] },
};

export function namingOf(platform: string): PlatformNaming {
  return NAMING[platform] ?? { levels: THREE_PART };
}

/** Athena's default catalog is left out of names so `db.table` stays stable. */
function keepPart(platform: string, level: Level, value: string): boolean {
  return !(platform === 'athena' && level === 'catalog' && value.toLowerCase() === 'awsdatacatalog');
}

export function qualifiedNameOf(platform: string, parts: Partial<Record<Level, string | null>>): string {
  const names: string[] = [];
  for (const level of namingOf(platform).levels) {
    const value = parts[level];
    if (value !== undefined && value !== null && value !== '' && keepPart(platform, level, value)) {
      names.push(value);
    }
  }
  return names.join('.').toLowerCase();
}
