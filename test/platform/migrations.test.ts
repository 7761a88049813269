import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/platform/db/database.js';
import { migrations } from '../../src/platform/db/migrations/index.js';
import { createTestDatabase, ENGINE } from '../helpers/test-db.js';

let handle: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  handle = await createTestDatabase({ empty: true });
});
afterAll(() => handle.drop());

describe(`migrations [${ENGINE}]`, () => {
  it('run from empty, then are a no-op', async () => {
    const first = await migrateToLatest(handle.database.db);
    expect(first).toEqual(Object.keys(migrations).sort());
    const again = await migrateToLatest(handle.database.db);
    expect(again).toEqual([]);
  });

  it('are named by timestamp, in order', () => {
    const names = Object.keys(migrations);
    for (const n of names) expect(n).toMatch(/^\d{8}T\d{4}-[a-z0-9-]+$/);
    expect([...names].sort()).toEqual(names);
  });

  it('never store money in floating point', async () => {
    const r = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' and data_type in ('real', 'double precision', 'money')`.execute(
      handle.database.db,
    );
    expect(r.rows).toEqual([]);
  });

  it('make the audit trail append-only for ordinary SQL', async () => {
    const db = handle.database.db;
    await db
      .insertInto('audit_log')
      .values({
        occurred_at: new Date(),
        actor_type: 'system',
        actor_id: null,
        action: 't',
        entity_type: 't',
        entity_id: null,
        diff: null,
        request_id: null,
        ip: null,
      })
      .execute();
    await expect(sql`update audit_log set action = 'x'`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(db)).rejects.toThrow(/append-only/);
    const n = await sql<{ n: string }>`select count(*) as n from audit_log where action = 't'`.execute(db);
    expect(n.rows[0]?.n).toBe('1');
  });
});
