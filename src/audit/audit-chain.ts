import { type Kysely, sql } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import { calculateAuditHash, GENESIS_HASH } from './calculate-audit-hash.js';
import { toAuditContent } from './audit-store.js';

/** Arbitrary constant: the advisory lock that lets one chainer at a time extend the chain. */
const CHAIN_LOCK_KEY = 7_301_512_001;
const BATCH = 2000;
/** How far below the newest chained id to look for records that committed late. */
const LATE_COMMIT_WINDOW = 100_000;

/**
 * Links every committed, not-yet-chained audit record onto the chain, in the order they became visible.
 * Writers never take this lock; one chainer at a time does, for a short transaction. Safe to call from
 * many processes: the others return 0 at once. Returns how many records were chained.
 */
export async function chainPendingAudit(
  db: Kysely<Database>,
  opts: { fullScan?: boolean } = {},
): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await db.transaction().execute(async (trx) => {
      const lock = await sql<{
        ok: boolean;
      }>`select pg_try_advisory_xact_lock(${CHAIN_LOCK_KEY}) as ok`.execute(trx);
      if (!lock.rows[0]?.ok) return -1;
      const head = await trx
        .selectFrom('audit_chain')
        .select(['seq', 'hash', 'audit_id'])
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      const floor = opts.fullScan || !head ? 0 : Math.max(0, Number(head.audit_id) - LATE_COMMIT_WINDOW);
      const pending = await trx
        .selectFrom('audit_log as a')
        .selectAll('a')
        .where('a.id', '>', String(floor))
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('audit_chain as c').select('c.seq').whereRef('c.audit_id', '=', 'a.id'))),
        )
        .orderBy('a.id')
        .limit(BATCH)
        .execute();
      if (pending.length === 0) return 0;
      let seq = head ? BigInt(head.seq) : 0n;
      let prev = head?.hash ?? GENESIS_HASH;
      const links = pending.map((row) => {
        seq += 1n;
        const hash = calculateAuditHash(prev, toAuditContent(row));
        const link = { seq: seq.toString(), audit_id: String(row.id), prev_hash: prev, hash };
        prev = hash;
        return link;
      });
      await trx.insertInto('audit_chain').values(links).execute();
      return links.length;
    });
    if (n <= 0) return total;
    total += n;
    if (n < BATCH) return total;
  }
}

/**
 * Runs `chainPendingAudit` soon after writes, at most one run at a time per process, coalescing bursts.
 * Call `kick()` after a transaction with audit records commits; `flush()` waits until the chain is current.
 */
export class AuditChainer {
  #running: Promise<void> | undefined;
  #again = false;
  #closed = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly onError: (err: unknown) => void,
  ) {}

  kick(): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop().finally(() => {
      this.#running = undefined;
    });
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      try {
        await chainPendingAudit(this.db);
      } catch (err) {
        this.onError(err);
      }
    } while (this.#again && !this.#closed);
  }

  async flush(): Promise<void> {
    while (this.#running) await this.#running;
    await chainPendingAudit(this.db);
  }

  async close(): Promise<void> {
    this.#closed = true;
    while (this.#running) await this.#running;
  }
}
