import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import { addDays, type Period } from './calculate-kpis.js';
import { type ReportFilter, rollupWhere } from './report-store.js';

type Db = Kysely<Database>;

export const GROUP_BYS = [
  'date',
  'week',
  'month',
  'brand',
  'segment',
  'partner',
  'manager',
  'country',
  'link',
  'sub_id',
] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

/** Rollup counters and amounts (amounts: minor units of `currency`). */
export const COUNT_COLUMNS = [
  'clicks',
  'unique_clicks',
  'registrations',
  'ftds',
  'deposits',
  'purchases',
] as const;
export const AMOUNT_COLUMNS = [
  'ftd_amount',
  'deposit_amount',
  'purchase_amount',
  'refund_amount',
  'revenue',
] as const;

export interface GroupedRollupRow {
  key: string;
  label: string;
  currency: string;
  counts: Record<(typeof COUNT_COLUMNS)[number], bigint>;
  amounts: Record<(typeof AMOUNT_COLUMNS)[number], bigint>;
}

/** The group key over rollups_daily r joined with partners p (country and manager are the partner's). */
const KEY: Record<GroupBy, RawBuilder<unknown>> = {
  date: sql`r.day::text`,
  week: sql`date_trunc('week', r.day)::date::text`,
  month: sql`to_char(r.day, 'YYYY-MM')`,
  brand: sql`r.brand_id::text`,
  segment: sql`r.segment`,
  partner: sql`r.partner_id::text`,
  manager: sql`coalesce(p.manager_user_id::text, '')`,
  country: sql`coalesce(p.country, '')`,
  link: sql`coalesce(r.link_id::text, '')`,
  sub_id: sql`r.sub_id`,
};

const LABEL: Partial<Record<GroupBy, RawBuilder<unknown>>> = {
  brand: sql`(select b.name from brands b where b.id::text = g.key)`,
  partner: sql`(select x.display_name from partners x where x.id::text = g.key)`,
  manager: sql`(select u.email from users u where u.id::text = g.key)`,
  link: sql`(select l.code from tracking_links l where l.id::text = g.key)`,
};

/** Rollup sums of the filter in the period, grouped by `groupBy` and currency; at most `limit` groups by clicks. */
export async function loadGroupedRollups(
  db: Db,
  f: ReportFilter,
  p: Period,
  groupBy: GroupBy,
): Promise<GroupedRollupRow[]> {
  const needsPartner = groupBy === 'manager' || groupBy === 'country';
  const cols = [...COUNT_COLUMNS, ...AMOUNT_COLUMNS];
  const r = await sql<Record<string, string>>`
    with g as (
      select ${KEY[groupBy]} as key, r.currency,
        ${sql.join(cols.map((c) => sql`sum(r.${sql.ref(c)})::text as ${sql.ref(c)}`))}
      from rollups_daily r ${needsPartner ? sql`join partners p on p.id = r.partner_id` : sql``}
      where ${rollupWhere(f, p)}
      group by 1, 2
    )
    select g.*, coalesce(${LABEL[groupBy] ?? sql`g.key`}, g.key) as label from g order by g.key, g.currency`.execute(
    db,
  );
  return r.rows.map((x) => ({
    key: x.key ?? '',
    label: x.label ?? '',
    currency: x.currency ?? '',
    counts: Object.fromEntries(
      COUNT_COLUMNS.map((c) => [c, BigInt(x[c] ?? '0')]),
    ) as GroupedRollupRow['counts'],
    amounts: Object.fromEntries(
      AMOUNT_COLUMNS.map((c) => [c, BigInt(x[c] ?? '0')]),
    ) as GroupedRollupRow['amounts'],
  }));
}

/** Commission (partner payee, not rejected or reversed) per source month and currency. */
export async function loadCommissionByMonth(
  db: Db,
  f: ReportFilter,
  p: Period,
): Promise<Array<{ month: string; currency: string; amount: bigint }>> {
  const r = await sql<{ month: string; currency: string; amount: string }>`
    select l.source_period as month, l.currency, sum(l.amount)::text as amount from commission_lines l
    where l.source_period >= ${p.from.slice(0, 7)} and l.source_period <= ${addDays(p.to, -1).slice(0, 7)}
      and l.payee = 'partner' and l.state not in ('rejected', 'reversed')
      ${f.brandId ? sql`and l.brand_id = ${f.brandId}::uuid` : sql``}
      ${f.segment ? sql`and l.segment = ${f.segment}` : sql``}
      ${f.partnerId ? sql`and l.partner_id = ${f.partnerId}::uuid` : sql``}
      ${f.managerId ? sql`and l.partner_id in (select id from partners where manager_user_id = ${f.managerId}::uuid)` : sql``}
    group by 1, 2 order by 1, 2`.execute(db);
  return r.rows.map((x) => ({ month: x.month, currency: x.currency, amount: BigInt(x.amount) }));
}

export interface TaskItem {
  id: string;
  label: string;
  /** When it arrived (claims: the answer deadline). */
  at: string | null;
  /** Claims only: the deadline has passed. */
  overdue?: boolean;
}
export interface TaskGroup {
  kind:
    | 'applications'
    | 'documents'
    | 'held_commissions'
    | 'payout_approvals'
    | 'failing_postbacks'
    | 'claims';
  count: number;
  /** The oldest first, at most 20. */
  items: TaskItem[];
  /** Why a group is always empty. */
  note?: string;
}

/**
 * The task queue of a staff user: applications to review (partners applied or in review), documents pending
 * review, held commission (pending or approved lines of partners whose commission is held), payout batches
 * whose next approval step is this user's role and which this user has not approved yet, and partner
 * postbacks that are failing or were disabled. `managerId` restricts partner-bound tasks to a portfolio.
 */
export async function loadTasks(
  db: Db,
  input: {
    userId: string;
    role: string;
    managerId?: string | undefined;
    brandId?: string | undefined;
    now?: Date | undefined;
  },
): Promise<TaskGroup[]> {
  const pf = input.managerId ? sql`and p.manager_user_id = ${input.managerId}::uuid` : sql``;
  const brandOfPartner = input.brandId
    ? sql`and exists (select 1 from partner_brands pb where pb.partner_id = p.id and pb.brand_id = ${input.brandId}::uuid)`
    : sql``;
  const q = async (kind: TaskGroup['kind'], query: RawBuilder<TaskItem & { total: string }>) => {
    const r = await query.execute(db);
    return {
      kind,
      count: Number(r.rows[0]?.total ?? 0),
      items: r.rows.map((x) => ({
        id: x.id,
        label: x.label,
        at: x.at ? new Date(x.at).toISOString() : null,
      })),
    };
  };
  return Promise.all([
    q(
      'applications',
      sql`select p.id::text as id, p.display_name as label, p.status_changed_at as at, count(*) over ()::text as total
        from partners p where p.status in ('applied', 'in_review') ${pf} ${brandOfPartner}
        order by p.status_changed_at nulls first, p.id limit 20`,
    ),
    q(
      'documents',
      sql`select d.id::text as id, p.display_name || ': ' || d.type as label, d.created_at as at, count(*) over ()::text as total
        from documents d join partners p on p.id = d.partner_id
        where d.review_status = 'pending' and d.erased_at is null ${pf} ${brandOfPartner}
        order by d.created_at, d.id limit 20`,
    ),
    q(
      'held_commissions',
      sql`select p.id::text as id, p.display_name || ': ' || count(l.id) || ' lines' as label, min(l.created_at) as at,
          count(*) over ()::text as total
        from commission_lines l join partners p on p.id = l.partner_id
        where p.commission_held and l.state in ('pending', 'approved') ${pf}
          ${input.brandId ? sql`and l.brand_id = ${input.brandId}::uuid` : sql``}
        group by p.id, p.display_name order by min(l.created_at) limit 20`,
    ),
    q(
      'payout_approvals',
      sql`select b.id::text as id, 'Payout batch ' || b.pay_date::text || ' step ' || (n.done + 1) || ' of '
          || cardinality(b.approval_steps) as label, b.created_at as at, count(*) over ()::text as total
        from payout_batches b
        cross join lateral (select count(*)::int as done from payout_approvals a where a.batch_id = b.id) n
        where b.status = 'approving' and b.approval_steps[n.done + 1] = ${input.role}
          and not exists (select 1 from payout_approvals a where a.batch_id = b.id and a.user_id = ${input.userId}::uuid)
          ${input.brandId ? sql`and b.brand_id = ${input.brandId}::uuid` : sql``}
        order by b.created_at, b.id limit 20`,
    ),
    q(
      'failing_postbacks',
      sql`select pp.id::text as id, p.display_name || ': ' || pp.event_type || ' (' || pp.consecutive_failures || ' failures)' as label,
          coalesce(pp.disabled_at, pp.updated_at) as at, count(*) over ()::text as total
        from partner_postbacks pp join partners p on p.id = pp.partner_id
        where (pp.consecutive_failures > 0 or pp.disabled_at is not null) ${pf}
          ${input.brandId ? sql`and (pp.brand_id is null or pp.brand_id = ${input.brandId}::uuid)` : sql``}
        order by pp.consecutive_failures desc, pp.id limit 20`,
    ),
    q(
      'claims',
      sql`select c.id::text as id, p.display_name || ': ' || c.customer_ref || ' (' || c.state
          || case when c.due_at < ${input.now ?? new Date()} then ', overdue' else '' end || ')' as label,
          c.due_at as at, count(*) over ()::text as total
        from commission_claims c join partners p on p.id = c.partner_id
        where c.state in ('open', 'in_review') ${pf}
          ${input.brandId ? sql`and c.brand_id = ${input.brandId}::uuid` : sql``}
        order by c.due_at, c.id limit 20`,
    ),
  ]).then((groups) =>
    groups.map((g) =>
      g.kind === 'claims'
        ? {
            ...g,
            items: g.items.map((i) => ({
              ...i,
              overdue: i.at !== null && Date.parse(i.at) < (input.now ?? new Date()).getTime(),
            })),
          }
        : g,
    ),
  );
}
