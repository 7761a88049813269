import type { Kysely, Selectable, Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { type Actor, appendAudit } from '../audit/audit-store.js';
import type { Database, Segment } from '../platform/db/schema.js';
import { AppError, notFound } from '../platform/http/errors.js';
import { checkDeliveredOn, decideDeliverable } from './decide-deliverable.js';
import type { DeliverableTable } from './deliverable-tables.js';

type Db = Kysely<Database> | Transaction<Database>;
export type DeliverableRow = Selectable<DeliverableTable>;

export function deliverableView(d: DeliverableRow, brandCode?: string) {
  return {
    id: d.id,
    partnerId: d.partner_id,
    brandId: d.brand_id,
    brand: brandCode ?? null,
    segment: d.segment as string,
    type: d.deliverable_type,
    externalRef: d.external_ref,
    title: d.title,
    url: d.url,
    deliveredOn: String(d.delivered_on),
    status: d.status,
    decidedBy: d.decided_by,
    decidedAt: d.decided_at ? new Date(d.decided_at).toISOString() : null,
    decisionReason: d.decision_reason,
    createdAt: d.created_at.toISOString(),
  };
}

export interface NewDeliverable {
  partnerId: string;
  brand: string;
  segment: Segment;
  type: string;
  externalRef: string;
  title: string;
  url?: string | undefined;
  deliveredOn: string;
}

/**
 * Records a deliverable, idempotent on (partner, brand, type, reference): the same submission again answers the
 * stored one (`duplicate: true`), a different one under the same reference is a 409 naming it. Staff-recorded
 * deliverables (`approvedBy`) are approved at once. Audited.
 */
export async function recordDeliverable(
  trx: Transaction<Database>,
  actor: Actor,
  input: NewDeliverable,
  opts: { approvedBy: string | null },
  now: Date,
): Promise<{ row: DeliverableRow; brandCode: string; duplicate: boolean }> {
  const brand = await trx
    .selectFrom('brands')
    .select(['id', 'code'])
    .where((eb) =>
      eb.or([eb('code', '=', input.brand), eb('id', '=', isUuid(input.brand) ? input.brand : null)]),
    )
    .executeTakeFirst();
  if (!brand)
    throw new AppError('VALIDATION_FAILED', `Brand ${input.brand} does not exist.`, {
      fields: [{ path: '/brand', message: 'unknown brand', in: 'body' }],
    });
  const partner = await trx
    .selectFrom('partners')
    .select(['id', 'segments', 'status'])
    .where('id', '=', input.partnerId)
    .executeTakeFirst();
  if (!partner) throw notFound('Partner');
  const fields: { path: string; message: string; in: 'body' }[] = [];
  if (!(partner.segments as string[]).includes(input.segment))
    fields.push({ path: '/segment', message: `the partner is not in segment ${input.segment}`, in: 'body' });
  const dayProblem = checkDeliveredOn(input.deliveredOn, now.toISOString().slice(0, 10));
  if (dayProblem) fields.push({ path: '/deliveredOn', message: dayProblem, in: 'body' });
  if (fields.length) throw new AppError('VALIDATION_FAILED', 'The deliverable is invalid.', { fields });

  const existing = await trx
    .selectFrom('deliverables')
    .selectAll()
    .where('partner_id', '=', input.partnerId)
    .where('brand_id', '=', brand.id)
    .where('deliverable_type', '=', input.type)
    .where('external_ref', '=', input.externalRef)
    .executeTakeFirst();
  if (existing) {
    const same =
      existing.segment === input.segment &&
      existing.title === input.title &&
      (existing.url ?? null) === (input.url ?? null) &&
      String(existing.delivered_on) === input.deliveredOn;
    if (!same)
      throw new AppError(
        'CONFLICT',
        `Deliverable ${input.externalRef} (${input.type}) was already recorded with other details.`,
        { fields: [{ path: '/externalRef', message: 'already used for another deliverable', in: 'body' }] },
      );
    return { row: existing, brandCode: brand.code, duplicate: true };
  }
  const row = await trx
    .insertInto('deliverables')
    .values({
      id: uuidv7(),
      partner_id: input.partnerId,
      brand_id: brand.id,
      segment: input.segment,
      deliverable_type: input.type,
      external_ref: input.externalRef,
      title: input.title,
      url: input.url ?? null,
      delivered_on: input.deliveredOn,
      status: opts.approvedBy ? 'approved' : 'submitted',
      decided_by: opts.approvedBy,
      decided_at: opts.approvedBy ? now : null,
      decision_reason: null,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendAudit(
    trx,
    actor,
    {
      action: opts.approvedBy ? 'deliverable.recorded' : 'deliverable.submitted',
      entityType: 'deliverable',
      entityId: row.id,
      after: deliverableView(row, brand.code),
    },
    now,
  );
  return { row, brandCode: brand.code, duplicate: false };
}

/** Approves or rejects a submitted deliverable (final), audited with the before and after state. */
export async function decideDeliverableOrThrow(
  trx: Transaction<Database>,
  actor: Actor,
  args: {
    id: string;
    decision: 'approve' | 'reject';
    reason?: string | undefined;
    userId: string;
    managerId?: string;
  },
  now: Date,
): Promise<DeliverableRow> {
  let q = trx.selectFrom('deliverables as d').selectAll('d').where('d.id', '=', args.id);
  if (args.managerId)
    q = q.innerJoin('partners as p', 'p.id', 'd.partner_id').where('p.manager_user_id', '=', args.managerId);
  const before = await q.forUpdate().executeTakeFirst();
  if (!before) throw notFound('Deliverable');
  const d = decideDeliverable(before.status, args.decision, args.reason);
  if (d.kind === 'refuse')
    throw new AppError(
      d.code,
      d.message,
      d.field ? { fields: [{ path: d.field, message: d.message, in: 'body' }] } : { current: before.status },
    );
  const after = await trx
    .updateTable('deliverables')
    .set({
      status: d.status,
      decided_by: args.userId,
      decided_at: now,
      decision_reason: d.reason,
      updated_at: now,
    })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendAudit(
    trx,
    actor,
    {
      action: `deliverable.${d.status}`,
      entityType: 'deliverable',
      entityId: before.id,
      before: deliverableView(before),
      after: deliverableView(after),
    },
    now,
  );
  return after;
}

export interface DeliverableFilter {
  partnerId?: string | undefined;
  managerId?: string | undefined;
  brandId?: string | undefined;
  status?: 'submitted' | 'approved' | 'rejected' | undefined;
  limit: number;
  offset: number;
}

/** Deliverables newest first (submitted ones are the staff's review queue), with the brand code. */
export async function listDeliverables(db: Db, f: DeliverableFilter) {
  let q = db
    .selectFrom('deliverables as d')
    .innerJoin('brands as b', 'b.id', 'd.brand_id')
    .innerJoin('partners as p', 'p.id', 'd.partner_id');
  if (f.partnerId) q = q.where('d.partner_id', '=', f.partnerId);
  if (f.managerId) q = q.where('p.manager_user_id', '=', f.managerId);
  if (f.brandId) q = q.where('d.brand_id', '=', f.brandId);
  if (f.status) q = q.where('d.status', '=', f.status);
  const [rows, count] = await Promise.all([
    q
      .selectAll('d')
      .select(['b.code as brand_code', 'p.display_name as partner_name'])
      .orderBy('d.created_at', 'desc')
      .orderBy('d.id', 'desc')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({ ...deliverableView(r, r.brand_code), partnerName: r.partner_name })),
    total: Number(count.n),
  };
}

function isUuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}
