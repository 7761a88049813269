import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { createTestDatabase, ENGINE } from '../helpers/test-db.js';

/**
 * `consort audit verify` as an operator runs it: exit 0 on an intact chain; after a row is altered or
 * deleted with SQL, non-zero naming the first broken record. On the engine of this run.
 */
let env: Record<string, string | undefined>;
let args: string[];
let tamper: (statement: string) => Promise<void>;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  if (ENGINE === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consort-cli-'));
    env = {};
    args = ['--data-dir', dir];
    tamper = async (statement) => {
      const db = await PGlite.create(`${dir}/pgdata`);
      await db.exec(`set session_replication_role = replica; ${statement}`);
      await db.close();
    };
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    const t = await createTestDatabase();
    await t.database.close();
    env = { DATABASE_URL: t.url };
    args = [];
    tamper = async (statement) => {
      const c = new pg.Client({ connectionString: t.url });
      await c.connect();
      await c.query(`set session_replication_role = replica; ${statement}`);
      await c.end();
    };
    cleanup = async () => {
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      await c.query(`drop database if exists ${new URL(t.url!).pathname.slice(1)} with (force)`);
      await c.end();
    };
  }
  for (const role of ['admin', 'finance', 'analyst'] as const) {
    const r = await runCli(
      [
        ...args,
        'user',
        'create',
        '--email',
        `${role}@cli.test`,
        '--password',
        'long-enough-pw',
        '--role',
        role,
      ],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
  }
}, 300_000);
afterAll(() => cleanup());

describe(`consort audit verify [${ENGINE}]`, { timeout: 180_000 }, () => {
  it('exits 0 on an intact chain', async () => {
    const r = await runCli([...args, 'audit', 'verify'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/audit chain intact: \d+ records verified/);
  });

  it('exits 1 naming the first broken record after an UPDATE with SQL', async () => {
    await tamper(
      `update audit_log set entity_id = 'forged' where id = (select audit_id from audit_chain where seq = 2)`,
    );
    const r = await runCli([...args, 'audit', 'verify'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/audit chain broken at seq 2: audit record \d+ was altered/);
  });

  it('exits 1 naming the deleted record after a DELETE with SQL', async () => {
    await tamper(`delete from audit_log where id = (select audit_id from audit_chain where seq = 1)`);
    const r = await runCli([...args, 'audit', 'verify'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/audit chain broken at seq 1: audit record \d+ was deleted/);
  });

  it('explains usage errors and exits non-zero', async () => {
    const r = await runCli(
      [...args, 'user', 'create', '--email', 'x@y.z', '--password', 'short', '--role', 'admin'],
      env,
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('/password: must be at least 10 characters');
    const h = await runCli(['audit', 'verify', '--help'], env);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('Verify the hash chain');
  });
});
