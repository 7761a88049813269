import { once } from 'node:events';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from '../platform/db/schema.js';
import type { Services } from '../platform/services.js';

/** Writes rows with COPY on the close transaction's own connection (PostgreSQL only). */
export type CopyRows = (table: string, columns: readonly string[], rows: readonly string[]) => Promise<void>;

const INT8 = 20;
const DATE = 1082;
const NUMERIC = 1700;
// the same value shapes as the application's pool (src/platform/db/database.ts)
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === DATE || oid === NUMERIC) return (v: string) => v;
    return pg.types.getTypeParser(oid, format);
  },
};

/** One value in COPY text format (`\N` for null; backslash, tab, newline and carriage return escaped). */
export function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  const s = v instanceof Date ? v.toISOString() : String(v);
  return /[\\\t\n\r]/.test(s)
    ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : s;
}

/**
 * Runs `fn` in ONE transaction. On PostgreSQL (with a database URL) the transaction runs on a dedicated
 * connection, and `copy` writes rows with COPY on that same connection, so they commit or roll back with
 * everything else; on PGlite `copy` is undefined (callers use multi-row INSERTs).
 */
export async function withCloseTransaction<T>(
  services: Pick<Services, 'db' | 'database' | 'config'>,
  fn: (trx: Transaction<Database>, copy: CopyRows | undefined) => Promise<T>,
): Promise<T> {
  const url = services.config.databaseUrl;
  if (services.database.engine !== 'postgres' || !url)
    return services.db.transaction().execute((trx) => fn(trx, undefined));
  const client = new pg.Client({ connectionString: url, types: pgTypes as never });
  client.on('error', () => {
    // a dropped connection surfaces on the next query (and the server rolls the transaction back)
  });
  await client.connect();
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: {
        connect: async () => ({
          query: (...args: unknown[]) => (client.query as (...a: unknown[]) => unknown)(...args),
          release: () => undefined,
        }),
        end: async () => undefined,
      } as never,
    }),
  });
  const copy: CopyRows = async (table, columns, rows) => {
    if (rows.length === 0) return;
    const stream = client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`));
    const done = new Promise<void>((resolve, reject) => {
      stream.once('finish', resolve);
      stream.once('error', reject);
    });
    const step = 1000;
    for (let i = 0; i < rows.length; i += step) {
      const block = `${rows.slice(i, i + step).join('\n')}\n`;
      if (!stream.write(block)) await Promise.race([once(stream, 'drain'), done]);
    }
    stream.end();
    await done;
  };
  try {
    return await db.transaction().execute((trx) => fn(trx, copy));
  } finally {
    await db.destroy().catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}
