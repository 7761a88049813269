import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { type DatabaseHandle, openDatabase } from '../../src/platform/db/database.js';

/** The engine this test run uses: PostgreSQL when DATABASE_URL is set, else in-memory PGlite. */
export const ENGINE: 'postgres' | 'pglite' = process.env.DATABASE_URL ? 'postgres' : 'pglite';

/**
 * Appends one line per database a test creates, so CI can prove the PostgreSQL pass really ran database
 * tests (test-results/db-usage-<engine>.log).
 */
function recordUsage(name: string): void {
  const dir = path.resolve('test-results');
  fs.mkdirSync(dir, { recursive: true });
  fs.appendFileSync(path.join(dir, `db-usage-${ENGINE}.log`), `${new Date().toISOString()} ${name}\n`);
}

/** Connection string of a database on the same server as DATABASE_URL. */
export function urlFor(database: string): string {
  const u = new URL(process.env.DATABASE_URL!);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * A fresh database for one test file: a new PostgreSQL database (dropped afterwards) or an in-memory
 * PGlite, loaded from the run's migrated snapshot unless `empty` is asked for (the migration tests). Tests isolate themselves, so reruns and parallel files never see each other's rows.
 */
export async function createTestDatabase(opts: { empty?: boolean } = {}): Promise<{
  database: DatabaseHandle;
  url?: string;
  drop(): Promise<void>;
}> {
  if (ENGINE === 'pglite') {
    const template = path.resolve('test-results/pglite-template.tar');
    const database = await openDatabase(
      !opts.empty && fs.existsSync(template) ? { loadDataDir: new Blob([fs.readFileSync(template)]) } : {},
    );
    recordUsage('pglite:memory');
    return { database, drop: () => database.close() };
  }
  const name = `consort_t_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = urlFor(name);
  const database = await openDatabase({ databaseUrl: url, poolSize: 5 });
  recordUsage(`postgres:${name}`);
  return {
    database,
    url,
    async drop() {
      await database.close();
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
