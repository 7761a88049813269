import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { DataDirLock, type LockHolder } from './data-dir-lock.js';
import { migrations } from './migrations/index.js';
import { PgliteDialect, SessionMutex } from './pglite-dialect.js';
import type { Database } from './schema.js';

export type Engine = 'pglite' | 'postgres';

export interface SqlResult {
  rows: any[];
  rowCount: number;
}

/** An open database: Kysely for the application, plus the raw entry point pg-boss needs. */
export interface DatabaseHandle {
  db: Kysely<Database>;
  engine: Engine;
  /** pg-boss's adapter contract: parameterised single statements, or multi-statement text without values. */
  executeSql(text: string, values?: unknown[]): Promise<SqlResult>;
  /** PostgreSQL only: a connection of the pool, for COPY (the caller releases it). */
  connect?: () => Promise<pg.PoolClient>;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  /** PGlite folder; `undefined` = in memory (tests). */
  dataDir?: string | undefined;
  /** Who holds the data-folder lock (server or one-shot CLI command). */
  lock?: Omit<LockHolder, 'pid' | 'host' | 'startedAt'>;
  /** Pool size on PostgreSQL. */
  poolSize?: number;
  /** PGlite only: start from this dumped data folder (tests load a migrated snapshot). */
  loadDataDir?: Blob;
}

const INT8 = 20;
const DATE = 1082;
const NUMERIC = 1700;

// Same value shapes on both engines: int8 and numeric as strings (exact), date as 'YYYY-MM-DD'.
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === DATE || oid === NUMERIC) return (v: string) => v;
    return pg.types.getTypeParser(oid, format);
  },
};
const pgliteParsers = { [INT8]: (v: string) => v, [DATE]: (v: string) => v, [NUMERIC]: (v: string) => v };

export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10);
  return openPglite(options.dataDir, options.lock, options.loadDataDir);
}

async function openPostgres(url: string, poolSize: number): Promise<DatabaseHandle> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types: pgTypes as never });
  pool.on('error', () => {
    // idle client errors (server restart) surface on the next query; do not crash the process
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    engine: 'postgres',
    async executeSql(text, values) {
      const r = await pool.query(text, values as unknown[] | undefined);
      const last = Array.isArray(r) ? r[r.length - 1] : r;
      return { rows: last?.rows ?? [], rowCount: last?.rowCount ?? 0 };
    },
    connect: () => pool.connect(),
    async close() {
      await db.destroy();
    },
  };
}

async function openPglite(
  dataDir: string | undefined,
  lockHolder: OpenOptions['lock'],
  loadDataDir?: Blob,
): Promise<DatabaseHandle> {
  const lock = dataDir ? DataDirLock.acquire(dataDir, lockHolder ?? { kind: 'cli' }) : undefined;
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(dataDir ? `${dataDir}/pgdata` : undefined, {
      parsers: pgliteParsers,
      ...(loadDataDir ? { loadDataDir } : {}),
    });
  } catch (err) {
    lock?.release();
    throw err;
  }
  const mutex = new SessionMutex();
  const db = new Kysely<Database>({ dialect: new PgliteDialect(pglite, mutex) });
  let closed = false;
  return {
    db,
    engine: 'pglite',
    executeSql(text, values) {
      return mutex.run(async () => {
        if (values && values.length > 0) {
          const r = await pglite.query(text, values);
          return { rows: r.rows as any[], rowCount: r.affectedRows ?? r.rows.length };
        }
        const results = await pglite.exec(text);
        const last = results[results.length - 1];
        return { rows: (last?.rows as any[]) ?? [], rowCount: last?.affectedRows ?? last?.rows.length ?? 0 };
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      // Wait for whoever holds the session, then close cleanly so the folder is consistent.
      await mutex.run(() => pglite.close());
      lock?.release();
    },
  };
}

/** Runs every pending migration; returns the names applied. Throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'consort_migrations',
    migrationLockTableName: 'consort_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const msg = failed ? `migration ${failed.migrationName} failed` : 'migrations failed';
    throw new Error(`${msg}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Cheap reachability probe for /readyz. */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
