import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainPendingAudit } from '../../src/audit/audit-chain.js';
import { appendAudit } from '../../src/audit/audit-store.js';
import { verifyAndRecord, verifyAuditChain } from '../../src/audit/verify-audit-chain.js';
import { createTestContext, type Session, type TestContext } from '../helpers/test-app.js';
import { ENGINE } from '../helpers/test-db.js';

let t: TestContext;
let admin: Session;
let compliance: Session;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.loginAs('admin');
  compliance = await t.loginAs('compliance');
  for (let i = 0; i < 5; i++) {
    const r = await admin.request('POST', '/api/v1/brands', {
      code: `chain-${i}`,
      name: `Chain ${i}`,
      vertical: 'igaming',
      currency: 'EUR',
      landingUrlTemplate: 'https://c.example/',
      fallbackUrl: 'https://c.example/',
    });
    expect(r.statusCode).toBe(201);
  }
  await t.services.auditChainer.flush();
});
afterAll(() => t.close());

/** Tampering as a database superuser would: bypassing the append-only triggers. */
async function tamper(statement: string): Promise<void> {
  await t.services.db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    await sql.raw(statement).execute(trx);
  });
}

describe(`the audit trail [${ENGINE}]`, () => {
  it('records each write with actor, action, entity, diff, request id and IP', async () => {
    const res = await admin.request('GET', '/api/v1/audit?entityType=brand&action=brand.created&limit=10');
    expect(res.statusCode).toBe(200);
    const items = res.json().items;
    expect(items).toHaveLength(5);
    const first = items[items.length - 1];
    expect(first).toMatchObject({
      actorType: 'user',
      actorId: admin.userId,
      action: 'brand.created',
      entityType: 'brand',
    });
    expect(first.diff.after).toMatchObject({ code: 'chain-0', currency: 'EUR' });
    expect(first.requestId).toBeTruthy();
    expect(first.ip).toBe('127.0.0.1');
    expect(first.chainSeq).toMatch(/^\d+$/);
  });

  it('masks secrets in diffs (a login never shows its password hash)', async () => {
    const rows = await t.services.db
      .selectFrom('audit_log')
      .select('diff')
      .where('action', '=', 'user.created')
      .execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(JSON.stringify(r.diff)).not.toMatch(/argon2/);
  });

  it('chains records in commit order without gaps, even when written concurrently', async () => {
    const now = new Date();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.services.db
          .transaction()
          .execute((trx) =>
            appendAudit(
              trx,
              { type: 'system', id: 'test' },
              { action: 'test.concurrent', entityType: 'test', entityId: String(i) },
              now,
            ),
          ),
      ),
    );
    await Promise.all([
      chainPendingAudit(t.services.db),
      chainPendingAudit(t.services.db),
      chainPendingAudit(t.services.db),
    ]);
    await chainPendingAudit(t.services.db);
    const seqs = await t.services.db.selectFrom('audit_chain').select('seq').orderBy('seq').execute();
    expect(seqs.map((s) => Number(s.seq))).toEqual(seqs.map((_, i) => i + 1));
    const unchained = await sql<{
      n: string;
    }>`select count(*) as n from audit_log a where not exists (select 1 from audit_chain c where c.audit_id = a.id)`.execute(
      t.services.db,
    );
    expect(unchained.rows[0]?.n).toBe('0');
  });

  it('verifies intact over the API (compliance), and records the verification', async () => {
    const res = await compliance.request('POST', '/api/v1/audit/verify');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, firstBreak: null });
    expect(res.json().checked).toBeGreaterThan(25);
    const v = await compliance.request('GET', '/api/v1/audit/verifications');
    expect(v.json().items[0]).toMatchObject({ ok: true, trigger: 'api' });
  });

  it('names the first altered record', async () => {
    const target = await t.services.db
      .selectFrom('audit_chain')
      .select(['seq', 'audit_id'])
      .where('seq', '=', '3')
      .executeTakeFirstOrThrow();
    await tamper(`update audit_log set action = 'brand.renamed' where id = ${target.audit_id}`);
    const r = await verifyAuditChain(t.services.db);
    expect(r.ok).toBe(false);
    expect(r.firstBreak).toEqual({ kind: 'record_altered', seq: '3', auditId: target.audit_id });
    expect(r.message).toContain(`audit record ${target.audit_id}`);
  });
});

describe(`deletion is caught [${ENGINE}]`, () => {
  async function withFreshTrail(fn: (t2: TestContext) => Promise<void>) {
    const t2 = await createTestContext();
    try {
      const a = await t2.loginAs('admin');
      await a.request('POST', '/api/v1/auth/logout');
      await t2.services.auditChainer.flush();
      expect((await verifyAuditChain(t2.services.db)).ok).toBe(true);
      await fn(t2);
    } finally {
      await t2.close();
    }
  }
  async function superuser(t2: TestContext, statement: string) {
    await t2.services.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql.raw(statement).execute(trx);
    });
  }

  it('names a deleted record', () =>
    withFreshTrail(async (t2) => {
      const victim = await t2.services.db
        .selectFrom('audit_chain')
        .select(['seq', 'audit_id'])
        .where('seq', '=', '2')
        .executeTakeFirstOrThrow();
      await superuser(t2, `delete from audit_log where id = ${victim.audit_id}`);
      const r = await verifyAuditChain(t2.services.db);
      expect(r.ok).toBe(false);
      expect(r.firstBreak).toEqual({ kind: 'record_deleted', seq: '2', auditId: victim.audit_id });
    }));

  it('names a removed link in the middle', () =>
    withFreshTrail(async (t2) => {
      await superuser(t2, `delete from audit_chain where seq = 2`);
      const r = await verifyAuditChain(t2.services.db);
      expect(r.ok).toBe(false);
      expect(r.firstBreak).toMatchObject({ seq: '2' });
    }));

  it('catches records cut from the end of a chain an earlier verification sealed', () =>
    withFreshTrail(async (t2) => {
      const sealed = await verifyAndRecord(
        t2.services.db,
        { type: 'system', id: 'test' },
        'test',
        new Date(),
      );
      expect(sealed.ok).toBe(true);
      await superuser(
        t2,
        `delete from audit_log where id in (select audit_id from audit_chain where seq >= ${sealed.headSeq})`,
      );
      await superuser(t2, `delete from audit_chain where seq >= ${sealed.headSeq}`);
      const r = await verifyAuditChain(t2.services.db);
      expect(r.ok).toBe(false);
      expect(r.firstBreak).toEqual({ kind: 'head_rewritten', seq: sealed.headSeq });
    }));
});
