/**
 * A DuckDB destination doing what Airbyte's *Incremental | Append + Deduped* does with this
 * connector's records, then the deletion rule of docs/streams.md:
 * - the latest row per primary key wins (cursor `scannedAt`);
 * - a row older than its workspace's latest scan, or of a `Deleted` workspace, is removed;
 * - a datasource no current lineage edge points at is removed.
 */
import { rm } from 'node:fs/promises';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { ident, literal, type Column } from './duckdb-columns.js';

export interface StreamTable {
  name: string;
  columns: Column[];
  primaryKey: string[];
  /** false: full refresh | overwrite. */
  incremental: boolean;
}

/** What one sync did to one table. */
export interface TableChange {
  added: number;
  updated: number;
  unchanged: number;
  deleted: number;
}

const SYNC_COLUMNS: Column[] = [
  { name: '_ab_sync', type: 'INTEGER' },
  { name: '_ab_hash', type: 'VARCHAR' },
];

export class Destination {
  private readonly tables = new Map<string, StreamTable>();

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly db: DuckDBConnection,
  ) {}

  /** Opens a fresh database file (any previous one is removed). */
  static async create(file: string): Promise<Destination> {
    await rm(file, { force: true });
    await rm(`${file}.wal`, { force: true });
    const instance = await DuckDBInstance.create(file);
    const db = await instance.connect();
    await db.run(`SET TimeZone = 'UTC'`);
    return new Destination(instance, db);
  }

  async createTables(streams: StreamTable[]): Promise<void> {
    for (const stream of streams) {
      const columns = [...stream.columns, ...SYNC_COLUMNS].map((c) => `${ident(c.name)} ${c.type}`);
      await this.db.run(`CREATE TABLE ${ident(stream.name)} (${columns.join(', ')})`);
      this.tables.set(stream.name, stream);
    }
  }

  /** Loads one sync (a file per stream) and applies the deletion rule; returns the changes per table. */
  async applySync(files: Map<string, string>): Promise<Map<string, TableChange>> {
    const changes = new Map<string, TableChange>();
    for (const stream of this.tables.values()) {
      const file = files.get(stream.name);
      const change = file
        ? await this.merge(stream, file)
        : { added: 0, updated: 0, unchanged: 0, deleted: 0 };
      changes.set(stream.name, change);
    }
    for (const [name, deleted] of await this.applyDeletions()) changes.get(name)!.deleted += deleted;
    return changes;
  }

  async rows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    const reader = await this.db.runAndReadAll(sql);
    return reader.getRowObjectsJson() as T[];
  }

  has(stream: string): boolean {
    return this.tables.has(stream);
  }

  hasColumn(stream: string, column: string): boolean {
    return this.tables.get(stream)?.columns.some((c) => c.name === column) ?? false;
  }

  async close(): Promise<void> {
    await this.db.run('CHECKPOINT');
    this.db.closeSync();
    this.instance.closeSync();
  }

  private async merge(stream: StreamTable, file: string): Promise<TableChange> {
    const table = ident(stream.name);
    const columns = [...stream.columns, ...SYNC_COLUMNS]
      .map((c) => `${literal(c.name)}: ${literal(c.type)}`)
      .join(', ');
    const order = this.hasColumn(stream.name, 'scannedAt') ? '"scannedAt" DESC NULLS LAST, ' : '';
    const key = stream.primaryKey.map(ident).join(', ');
    await this.db.run(
      `CREATE OR REPLACE TEMP TABLE _staging AS
       SELECT * FROM read_json(${literal(file)}, format = 'newline_delimited', columns = {${columns}})
       QUALIFY row_number() OVER (PARTITION BY ${key} ORDER BY ${order}_ab_sync DESC) = 1`,
    );
    const same = stream.primaryKey
      .map((k) => `t.${ident(k)} IS NOT DISTINCT FROM s.${ident(k)}`)
      .join(' AND ');
    const [counts] = await this.rows<{ added: number; updated: number; unchanged: number }>(
      `SELECT count(*) FILTER (WHERE t._ab_hash IS NULL)::INTEGER AS added,
              count(*) FILTER (WHERE t._ab_hash <> s._ab_hash)::INTEGER AS updated,
              count(*) FILTER (WHERE t._ab_hash = s._ab_hash)::INTEGER AS unchanged
       FROM _staging AS s LEFT JOIN ${table} AS t ON ${same}`,
    );
    let deleted = 0;
    if (stream.incremental) {
      const newer = order ? ` AND (t."scannedAt" IS NULL OR t."scannedAt" <= s."scannedAt")` : '';
      await this.db.run(`DELETE FROM ${table} AS t USING _staging AS s WHERE ${same}${newer}`);
    } else {
      const [{ n }] = (await this.rows<{ n: number }>(
        `SELECT count(*)::INTEGER AS n FROM ${table} AS t WHERE NOT EXISTS (SELECT 1 FROM _staging AS s WHERE ${same})`,
      )) as [{ n: number }];
      deleted = n;
      await this.db.run(`DELETE FROM ${table}`);
    }
    await this.db.run(
      `INSERT INTO ${table} SELECT s.* FROM _staging AS s WHERE NOT EXISTS (SELECT 1 FROM ${table} AS t WHERE ${same})`,
    );
    await this.db.run('DROP TABLE _staging');
    return { ...counts!, deleted };
  }

  /** docs/streams.md: rows not in their workspace's latest scan, or of deleted workspaces, go. */
  private async applyDeletions(): Promise<Map<string, number>> {
    const deleted = new Map<string, number>();
    if (!this.has('workspaces')) return deleted;
    for (const stream of this.tables.values()) {
      const scanned = this.hasColumn(stream.name, 'workspaceId') && this.hasColumn(stream.name, 'scannedAt');
      if (stream.name === 'workspaces' || !scanned) continue;
      const result = await this.db.run(
        `DELETE FROM ${ident(stream.name)} AS s USING workspaces AS w
         WHERE lower(w.id) = lower(s."workspaceId")
           AND (s."scannedAt" < w."scannedAt" OR w.state = 'Deleted')`,
      );
      deleted.set(stream.name, result.rowsChanged);
    }
    if (this.has('datasources') && this.has('lineage')) {
      const result = await this.db.run(
        `DELETE FROM datasources AS d
         WHERE NOT EXISTS (SELECT 1 FROM lineage AS l
                           WHERE l."targetType" = 'datasource' AND lower(l."targetId") = lower(d."datasourceId"))`,
      );
      deleted.set('datasources', result.rowsChanged);
    }
    return deleted;
  }
}
