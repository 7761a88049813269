import { type Kysely, sql, type Transaction } from 'kysely';
import type { AuditLogRow, Database } from '../platform/db/schema.js';
import { type AuditContent, sha256Hex } from './calculate-audit-hash.js';
import { calculateDiff } from './calculate-diff.js';

/** Who did it: a signed-in user, an API key, a background job, a CLI command or the system itself. */
export interface Actor {
  type: 'user' | 'api_key' | 'job' | 'cli' | 'system' | 'anonymous';
  id: string | null;
  requestId?: string | null;
  ip?: string | null;
}

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  /** Used instead of a before/after diff (e.g. a batch summary or the reason of a decision). */
  detail?: Record<string, unknown>;
}

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * Appends one audit record. Call it with the transaction that makes the change, so the record commits
 * (or rolls back) with it. Writers never wait on the chain: `chainPendingAudit` links records afterwards.
 */
export async function appendAudit(trx: Executor, actor: Actor, entry: AuditEntry, now: Date): Promise<void> {
  const diff =
    entry.detail !== undefined
      ? entry.detail
      : entry.before !== undefined || entry.after !== undefined
        ? calculateDiff(entry.before, entry.after)
        : null;
  await trx
    .insertInto('audit_log')
    .values({
      occurred_at: now,
      actor_type: actor.type,
      actor_id: actor.id,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId ?? null,
      diff: diff === null ? null : JSON.stringify(diff),
      request_id: actor.requestId ?? null,
      ip: actor.ip ?? null,
    } as never)
    .execute();
}

/**
 * Appends many audit records in one statement per 1,000 (bulk seeding): the same records `appendAudit`
 * would append one by one, each at its own time, in the caller's transaction.
 */
export async function appendAudits(
  trx: Executor,
  actor: Actor,
  entries: readonly (AuditEntry & { at: Date })[],
): Promise<void> {
  for (let i = 0; i < entries.length; i += 1000)
    await trx
      .insertInto('audit_log')
      .values(
        entries.slice(i, i + 1000).map((entry) => {
          const diff =
            entry.detail !== undefined
              ? entry.detail
              : entry.before !== undefined || entry.after !== undefined
                ? calculateDiff(entry.before, entry.after)
                : null;
          return {
            occurred_at: entry.at,
            actor_type: actor.type,
            actor_id: actor.id,
            action: entry.action,
            entity_type: entry.entityType,
            entity_id: entry.entityId ?? null,
            diff: diff === null ? null : JSON.stringify(diff),
            request_id: actor.requestId ?? null,
            ip: actor.ip ?? null,
          };
        }) as never,
      )
      .execute();
}

/**
 * High-volume writes (clicks, imported activity) are audited per batch, not per row: the count, the id
 * range and a content hash of the rows, so a batch can later be proven unchanged.
 */
export async function appendBatchAudit(
  trx: Executor,
  actor: Actor,
  batch: {
    action: string;
    entityType: string;
    count: number;
    firstId: string;
    lastId: string;
    content: string;
  },
  now: Date,
): Promise<void> {
  await appendAudit(
    trx,
    actor,
    {
      action: batch.action,
      entityType: batch.entityType,
      entityId: `${batch.firstId}..${batch.lastId}`,
      detail: {
        count: batch.count,
        firstId: batch.firstId,
        lastId: batch.lastId,
        contentSha256: sha256Hex(batch.content),
      },
    },
    now,
  );
}

export function toAuditContent(row: AuditLogRow): AuditContent {
  return {
    id: String(row.id),
    occurredAt: row.occurred_at.toISOString(),
    actorType: row.actor_type,
    actorId: row.actor_id,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    diff: row.diff ?? null,
    requestId: row.request_id,
    ip: row.ip,
  };
}

export interface AuditFilter {
  entityType?: string | undefined;
  entityId?: string | undefined;
  action?: string | undefined;
  actorId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Free text over action, entity and actor. */
  q?: string | undefined;
  /** Keyset pagination: records with id below this. */
  before?: string | undefined;
  limit: number;
}

/** Lists audit records newest first, with their chain position (null until chained). */
export async function listAudit(db: Kysely<Database>, f: AuditFilter) {
  let q = db
    .selectFrom('audit_log as a')
    .leftJoin('audit_chain as c', 'c.audit_id', 'a.id')
    .select([
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
      'c.seq',
      'c.hash',
    ]);
  if (f.entityType) q = q.where('a.entity_type', '=', f.entityType);
  if (f.entityId) q = q.where('a.entity_id', '=', f.entityId);
  if (f.action) q = q.where('a.action', '=', f.action);
  if (f.actorId) q = q.where('a.actor_id', '=', f.actorId);
  if (f.from) q = q.where('a.occurred_at', '>=', f.from);
  if (f.to) q = q.where('a.occurred_at', '<', f.to);
  if (f.before) q = q.where('a.id', '<', f.before);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb('a.action', 'ilike', like),
        eb('a.entity_type', 'ilike', like),
        eb('a.entity_id', 'ilike', like),
        eb('a.actor_id', 'ilike', like),
      ]),
    );
  }
  return q.orderBy('a.id', 'desc').limit(f.limit).execute();
}

/** Count of audit records (for tests and the audit-readiness KPI). */
export async function countAudit(db: Kysely<Database>): Promise<number> {
  const r = await sql<{ n: string }>`select count(*) as n from audit_log`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}
