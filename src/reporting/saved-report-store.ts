import type { Kysely, Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { type Actor, appendAudit } from '../audit/audit-store.js';
import type { Database } from '../platform/db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** At most this many saved reports per user. */
export const MAX_SAVED_REPORTS = 100;

export type SavedReportView = {
  id: string;
  name: string;
  definition: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
};

type Row = {
  id: string;
  name: string;
  definition: Record<string, unknown> | string;
  created_at: Date | string;
  updated_at: Date | string;
};

function view(r: Row): SavedReportView {
  return {
    id: r.id,
    name: r.name,
    definition: typeof r.definition === 'string' ? JSON.parse(r.definition) : r.definition,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** A user's saved reports, by name. */
export async function listSavedReports(db: Db, userId: string): Promise<SavedReportView[]> {
  const rows = await db
    .selectFrom('saved_reports')
    .select(['id', 'name', 'definition', 'created_at', 'updated_at'])
    .where('user_id', '=', userId)
    .orderBy('name')
    .orderBy('id')
    .execute();
  return rows.map(view);
}

/**
 * Saves a report under a name for a user: a new one, or the user's report of that name replaced (its id kept).
 * `limited` when the user already has MAX_SAVED_REPORTS others.
 */
export async function saveReport(
  trx: Transaction<Database>,
  actor: Actor,
  input: { userId: string; name: string; definition: Record<string, unknown> },
  now: Date,
): Promise<{ kind: 'created' | 'replaced'; report: SavedReportView } | { kind: 'limited' }> {
  const before = await trx
    .selectFrom('saved_reports')
    .select(['id', 'name', 'definition', 'created_at', 'updated_at'])
    .where('user_id', '=', input.userId)
    .where('name', '=', input.name)
    .forUpdate()
    .executeTakeFirst();
  if (before) {
    const row = await trx
      .updateTable('saved_reports')
      .set({ definition: JSON.stringify(input.definition), updated_at: now })
      .where('id', '=', before.id)
      .returning(['id', 'name', 'definition', 'created_at', 'updated_at'])
      .executeTakeFirstOrThrow();
    const report = view(row);
    await appendAudit(
      trx,
      actor,
      {
        action: 'saved_report.replaced',
        entityType: 'saved_report',
        entityId: report.id,
        before: view(before),
        after: report,
      },
      now,
    );
    return { kind: 'replaced', report };
  }
  const count = await trx
    .selectFrom('saved_reports')
    .select((e) => e.fn.countAll<string>().as('n'))
    .where('user_id', '=', input.userId)
    .executeTakeFirstOrThrow();
  if (Number(count.n) >= MAX_SAVED_REPORTS) return { kind: 'limited' };
  const row = await trx
    .insertInto('saved_reports')
    .values({
      id: uuidv7(),
      user_id: input.userId,
      name: input.name,
      definition: JSON.stringify(input.definition),
      created_at: now,
      updated_at: now,
    })
    .returning(['id', 'name', 'definition', 'created_at', 'updated_at'])
    .executeTakeFirstOrThrow();
  const report = view(row);
  await appendAudit(
    trx,
    actor,
    { action: 'saved_report.created', entityType: 'saved_report', entityId: report.id, after: report },
    now,
  );
  return { kind: 'created', report };
}

/** Deletes one of the user's saved reports; false when the user has no report with that id. */
export async function deleteSavedReport(
  trx: Transaction<Database>,
  actor: Actor,
  input: { userId: string; id: string },
  now: Date,
): Promise<boolean> {
  const row = await trx
    .deleteFrom('saved_reports')
    .where('id', '=', input.id)
    .where('user_id', '=', input.userId)
    .returning(['id', 'name', 'definition', 'created_at', 'updated_at'])
    .executeTakeFirst();
  if (!row) return false;
  await appendAudit(
    trx,
    actor,
    { action: 'saved_report.deleted', entityType: 'saved_report', entityId: row.id, before: view(row) },
    now,
  );
  return true;
}
