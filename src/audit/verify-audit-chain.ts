import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import { chainPendingAudit } from './audit-chain.js';
import { type Actor, appendAudit, toAuditContent } from './audit-store.js';
import { calculateAuditHash, GENESIS_HASH } from './calculate-audit-hash.js';

export type ChainBreak =
  | { kind: 'missing_link'; seq: string }
  | { kind: 'record_deleted'; seq: string; auditId: string }
  | { kind: 'record_altered'; seq: string; auditId: string }
  | { kind: 'link_altered'; seq: string; auditId: string }
  | { kind: 'head_rewritten'; seq: string };

export interface ChainVerification {
  ok: boolean;
  checked: number;
  headSeq: string | null;
  headHash: string | null;
  firstBreak: ChainBreak | null;
  message: string;
}

const PAGE = 5000;

function describe(b: ChainBreak): string {
  switch (b.kind) {
    case 'missing_link':
      return `audit chain broken at seq ${b.seq}: the chain link is missing (a record was removed)`;
    case 'record_deleted':
      return `audit chain broken at seq ${b.seq}: audit record ${b.auditId} was deleted`;
    case 'record_altered':
      return `audit chain broken at seq ${b.seq}: audit record ${b.auditId} was altered (hash mismatch)`;
    case 'link_altered':
      return `audit chain broken at seq ${b.seq}: the link of audit record ${b.auditId} was altered`;
    case 'head_rewritten':
      return `audit chain broken at seq ${b.seq}: it no longer matches the head sealed by an earlier verification`;
  }
}

/**
 * Walks the whole chain from the first link, recomputing every hash. Reports the first break: a missing
 * link, a deleted or altered record, or a chain rewritten below a head that an earlier verification sealed.
 */
export async function verifyAuditChain(db: Kysely<Database>): Promise<ChainVerification> {
  await chainPendingAudit(db, { fullScan: true });
  let prevHash = GENESIS_HASH;
  let expected = 1n;
  let checked = 0;
  let after = '0';
  let head: { seq: string; hash: string } | null = null;
  for (;;) {
    const page = await db
      .selectFrom('audit_chain as c')
      .leftJoin('audit_log as a', 'a.id', 'c.audit_id')
      .select([
        'c.seq',
        'c.audit_id',
        'c.prev_hash',
        'c.hash',
        'a.id',
        'a.occurred_at',
        'a.actor_type',
        'a.actor_id',
        'a.action',
        'a.entity_type',
        'a.entity_id',
        'a.diff',
        'a.request_id',
        'a.ip',
      ])
      .where('c.seq', '>', after)
      .orderBy('c.seq')
      .limit(PAGE)
      .execute();
    for (const r of page) {
      const seq = BigInt(r.seq);
      let brk: ChainBreak | null = null;
      if (seq !== expected) brk = { kind: 'missing_link', seq: expected.toString() };
      else if (r.id === null) brk = { kind: 'record_deleted', seq: r.seq, auditId: r.audit_id };
      else if (r.prev_hash !== prevHash) brk = { kind: 'link_altered', seq: r.seq, auditId: r.audit_id };
      else {
        const hash = calculateAuditHash(prevHash, toAuditContent(r as never));
        if (hash !== r.hash) brk = { kind: 'record_altered', seq: r.seq, auditId: r.audit_id };
      }
      if (brk)
        return { ok: false, checked, headSeq: null, headHash: null, firstBreak: brk, message: describe(brk) };
      prevHash = r.hash;
      expected = seq + 1n;
      checked++;
      head = { seq: r.seq, hash: r.hash };
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.seq;
  }
  // The chain must still contain, unchanged, the head an earlier successful verification sealed: this
  // catches records cut from the end of the chain, which a walk alone cannot see.
  const sealed = await db
    .selectFrom('audit_verifications')
    .select(['head_seq', 'head_hash'])
    .where('ok', '=', true)
    .where('head_seq', 'is not', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (sealed?.head_seq) {
    const link = await db
      .selectFrom('audit_chain')
      .select('hash')
      .where('seq', '=', sealed.head_seq)
      .executeTakeFirst();
    if (!link || link.hash !== sealed.head_hash) {
      const brk: ChainBreak = { kind: 'head_rewritten', seq: sealed.head_seq };
      return {
        ok: false,
        checked,
        headSeq: head?.seq ?? null,
        headHash: head?.hash ?? null,
        firstBreak: brk,
        message: describe(brk),
      };
    }
  }
  return {
    ok: true,
    checked,
    headSeq: head?.seq ?? null,
    headHash: head?.hash ?? null,
    firstBreak: null,
    message: `audit chain intact: ${checked} records verified`,
  };
}

/** Verifies, records the result (and an audit record of the check), and returns it. */
export async function verifyAndRecord(
  db: Kysely<Database>,
  actor: Actor,
  trigger: string,
  now: Date,
): Promise<ChainVerification> {
  const result = await verifyAuditChain(db);
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('audit_verifications')
      .values({
        verified_at: now,
        ok: result.ok,
        checked: result.checked,
        head_seq: result.headSeq,
        head_hash: result.headHash,
        first_broken_seq: result.firstBreak?.seq ?? null,
        message: result.message,
        trigger,
      })
      .execute();
    await appendAudit(
      trx,
      actor,
      {
        action: 'audit.verified',
        entityType: 'audit_chain',
        entityId: result.headSeq,
        detail: { ok: result.ok, checked: result.checked, message: result.message, trigger },
      },
      now,
    );
  });
  return result;
}
