import { type Kysely, type QueryResult, type RawBuilder, sql, type Transaction } from 'kysely';
import type {
  ActivityRow,
  BrandInfo,
  CarriedState,
  DealVersion,
  HierarchyEdge,
  Ownership,
  Vertical,
} from '../commissions/index.js';
import type { Segment } from '../deals/index.js';
import { validateDealTerms } from '../deals/index.js';
import { describeRateProblem, findFxRate } from '../fx/fx-store.js';
import type { FxRate } from '../money/index.js';
import type { Database } from '../platform/db/schema.js';
import { AppError } from '../platform/http/errors.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface PeriodBounds {
  /** 'YYYY-MM' */
  readonly id: string;
  readonly start: string;
  /** exclusive */
  readonly end: string;
}

/** The calendar month `YYYY-MM` as a period (start inclusive, end exclusive). */
export function periodBounds(period: string): PeriodBounds {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  const month = m ? Number(m[2]) : 0;
  if (!m || month < 1 || month > 12)
    throw new AppError('VALIDATION_FAILED', `period must be YYYY-MM, got "${period}"`, {
      fields: [{ path: '/period', message: 'must be YYYY-MM' }],
    });
  const y = Number(m[1]);
  const next = month === 12 ? `${y + 1}-01` : `${y}-${String(month + 1).padStart(2, '0')}`;
  return { id: period, start: `${period}-01`, end: `${next}-01` };
}

export function previousPeriod(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

export function nextPeriod(period: string): string {
  return periodBounds(period).end.slice(0, 7);
}

export interface BrandRow {
  id: string;
  code: string;
  vertical: Vertical;
  currency: string;
  timezone: string;
  jurisdictions: string[];
}

export async function loadBrandByCodeOrThrow(db: Db, code: string): Promise<BrandRow> {
  const b = await db
    .selectFrom('brands')
    .select(['id', 'code', 'vertical', 'currency', 'timezone', 'jurisdictions'])
    .where((eb) => eb.or([eb('code', '=', code), eb(sql`id::text`, '=', code)]))
    .executeTakeFirst();
  if (!b) throw new AppError('NOT_FOUND', `Brand ${code} not found.`);
  return b as BrandRow;
}

export function brandInfo(b: BrandRow): BrandInfo {
  return { brandId: b.id, vertical: b.vertical, currency: b.currency, jurisdictions: b.jurisdictions };
}

/**
 * Deal versions in force during the period: accepted contracts of the brand (issue 4's `contracts` table,
 * read directly), each in force from its effective date until the next accepted version's. Terms are
 * validated again (once per distinct terms text: contracts issued from one template share it, and validation
 * is a pure function of the text and the brand); an invalid accepted contract stops the close naming it.
 */
export async function loadDealsInForce(db: Db, brand: BrandRow, p: PeriodBounds): Promise<DealVersion[]> {
  const rows = await db
    .selectFrom('contracts')
    .select(['id', 'partner_id', 'version', 'effective_from', sql<string>`terms::text`.as('terms_text')])
    .where('brand_id', '=', brand.id)
    .where('status', '=', 'accepted')
    .where('effective_from', '<', p.end)
    .orderBy('partner_id')
    .orderBy('effective_from')
    .orderBy('version')
    .execute();
  const out: DealVersion[] = [];
  const checked = new Map<string, ReturnType<typeof validateDealTerms>>();
  const brandJurisdictions = { [brand.id]: brand.jurisdictions };
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const next = rows[i + 1];
    const effectiveTo = next && next.partner_id === r.partner_id ? String(next.effective_from) : null;
    if (effectiveTo !== null && effectiveTo <= p.start) continue;
    if (effectiveTo !== null && effectiveTo === String(r.effective_from)) continue;
    let check = checked.get(r.terms_text);
    if (!check) {
      check = validateDealTerms(JSON.parse(r.terms_text), { brandJurisdictions });
      checked.set(r.terms_text, check);
    }
    if (!check.ok)
      throw new AppError(
        'CONFLICT',
        `accepted contract ${r.id} (partner ${r.partner_id}, version ${r.version}) has invalid terms: ${check.errors
          .map((e) => `${e.path} ${e.message}`)
          .join('; ')}`,
      );
    out.push({
      dealId: r.id,
      version: r.version,
      partnerId: r.partner_id,
      effectiveFrom: String(r.effective_from),
      effectiveTo,
      terms: check.terms,
    });
  }
  return out;
}

/**
 * The sub-partner tree of the brand (issue 4's `partner_brands.parent_partner_id`): one edge per segment
 * the child is contracted in; the parent's segment is the same one when the parent has it, else its first.
 */
export function hierarchyFrom(
  parents: readonly { partner_id: string; parent_partner_id: string | null }[],
  deals: readonly DealVersion[],
): HierarchyEdge[] {
  const segs = new Map<string, Segment[]>();
  for (const d of deals) {
    const l = segs.get(d.partnerId) ?? [];
    for (const s of d.terms.segments) if (!l.includes(s)) l.push(s);
    segs.set(d.partnerId, l);
  }
  const edges: HierarchyEdge[] = [];
  for (const r of parents) {
    if (!r.parent_partner_id) continue;
    const parentSegs = segs.get(r.parent_partner_id) ?? [];
    for (const s of segs.get(r.partner_id) ?? []) {
      const ps = parentSegs.includes(s) ? s : parentSegs[0];
      if (!ps) continue;
      edges.push({
        partnerId: r.partner_id,
        segment: s,
        parentPartnerId: r.parent_partner_id,
        parentSegment: ps,
      });
    }
  }
  return edges;
}

export async function loadHierarchy(db: Db, brandId: string, deals: readonly DealVersion[]) {
  const rows = await db
    .selectFrom('partner_brands')
    .select(['partner_id', 'parent_partner_id'])
    .where('brand_id', '=', brandId)
    .where('parent_partner_id', 'is not', null)
    .execute();
  return hierarchyFrom(rows, deals);
}

/**
 * Owned customers of the brand as engine inputs, and the map from internal customer id to the
 * pseudonymous public id the engine and partners see. (Read from issue 5's tables in three set queries:
 * their `loadOwnerships` passes every id as a parameter, which PostgreSQL caps at 65,535.)
 */
export async function loadOwnership(
  db: Db,
  brandId: string,
  opts: { ownerPartnerId?: string } = {},
): Promise<{ ownership: Ownership[]; publicIds: Map<string, string> }> {
  const owner = opts.ownerPartnerId;
  let customers = db
    .selectFrom('customers')
    .select([
      'id',
      'public_id',
      'owner_partner_id',
      'owner_segment',
      'registered_at',
      'created_at',
      'country',
      'first_deposit_at',
      'first_deposit_amount',
      'first_deposit_currency',
    ])
    .where('brand_id', '=', brandId)
    .where('owner_partner_id', 'is not', null);
  if (owner !== undefined) customers = customers.where('owner_partner_id', '=', owner);
  const rows = await customers.execute();
  let flagQuery = db
    .selectFrom('customer_flags')
    .innerJoin('customers', 'customers.id', 'customer_flags.customer_id')
    .select(['customer_flags.customer_id', 'customer_flags.flag'])
    .where('customers.brand_id', '=', brandId)
    .where('customer_flags.cleared_at', 'is', null);
  if (owner !== undefined) flagQuery = flagQuery.where('customers.owner_partner_id', '=', owner);
  const flags = await flagQuery.execute();
  const flagMap = new Map<string, { selfExcluded?: boolean; duplicate?: boolean; fraud?: boolean }>();
  for (const f of flags) {
    const e = flagMap.get(f.customer_id) ?? {};
    if (f.flag === 'self_excluded') e.selfExcluded = true;
    if (f.flag === 'duplicate') e.duplicate = true;
    if (f.flag === 'fraud') e.fraud = true;
    flagMap.set(f.customer_id, e);
  }
  let overlapQuery = db
    .selectFrom('attribution_overlaps')
    .select(['customer_id', 'competing_partner_id', 'competing_segment'])
    .where('brand_id', '=', brandId);
  if (owner !== undefined)
    overlapQuery = overlapQuery.where(
      'customer_id',
      'in',
      db
        .selectFrom('customers')
        .select('id')
        .where('brand_id', '=', brandId)
        .where('owner_partner_id', '=', owner),
    );
  const overlaps = await overlapQuery.execute();
  const claims = new Map<string, { partnerId: string; segment: Segment }[]>();
  for (const o of overlaps) {
    const l = claims.get(o.customer_id) ?? [];
    if (!l.some((x) => x.partnerId === o.competing_partner_id && x.segment === o.competing_segment))
      l.push({ partnerId: o.competing_partner_id, segment: o.competing_segment as Segment });
    claims.set(o.customer_id, l);
  }
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const publicIds = new Map<string, string>();
  const ownership: Ownership[] = rows.map((r) => {
    publicIds.set(r.id, r.public_id);
    const fd =
      r.first_deposit_at && r.first_deposit_amount !== null && r.first_deposit_currency
        ? {
            date: day(r.first_deposit_at),
            amount: BigInt(r.first_deposit_amount),
            currency: r.first_deposit_currency,
          }
        : undefined;
    return {
      brandId,
      customerId: r.public_id,
      partnerId: r.owner_partner_id!,
      segment: r.owner_segment as Segment,
      registeredAt: day(r.registered_at ?? r.created_at),
      country: r.country ?? undefined,
      firstDeposit: fd,
      flags: flagMap.get(r.id),
      otherClaims: claims.get(r.id) ?? [],
    };
  });
  return { ownership, publicIds };
}

/** Trades belong to the period by their close time in the brand's time zone. */
const tradeBounds = (p: PeriodBounds, tz: string) =>
  sql`closed_at >= (${p.start}::timestamp at time zone ${tz}) and closed_at < (${p.end}::timestamp at time zone ${tz})`;

/**
 * Exchange rates the close needs, at each event date: for every (activity currency, date) and every deal
 * currency, the rate published on or before the date. A stale or missing rate stops the close with the
 * message naming the pair and date. Returns the rates used (passed to the engine and recorded on the run).
 */
export async function loadFxForClose(
  db: Db,
  brand: BrandRow,
  p: PeriodBounds,
  deals: readonly DealVersion[],
  maxAgeDays: number,
): Promise<FxRate[]> {
  const dealCurrencies = [...new Set(deals.map((d) => d.terms.currency))].sort();
  if (dealCurrencies.length === 0) return [];
  const res = await sql<{ currency: string; day: string }>`
    select currency, day::text as day from igaming_days where brand_id = ${brand.id} and day >= ${p.start} and day < ${p.end}
    union select currency, (closed_at at time zone 'UTC')::date::text from trades where brand_id = ${brand.id} and ${tradeBounds(p, brand.timezone)}
    union select currency, day::text from prop_purchases where brand_id = ${brand.id} and day >= ${p.start} and day < ${p.end}
    union select currency, day::text from prop_refunds where brand_id = ${brand.id} and day >= ${p.start} and day < ${p.end}
    union select currency, day::text from funded_payouts where brand_id = ${brand.id} and day >= ${p.start} and day < ${p.end}`.execute(
    db,
  );
  const lastDay = new Date(Date.parse(`${p.end}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const needs: { from: string; to: string; date: string }[] = [];
  for (const r of res.rows)
    for (const d of dealCurrencies)
      if (r.currency !== d) needs.push({ from: r.currency, to: d, date: r.day });
  // hierarchy overrides convert between deal currencies at the period's last day
  for (const a of dealCurrencies)
    for (const b of dealCurrencies) if (a !== b) needs.push({ from: a, to: b, date: lastDay });
  const out: FxRate[] = [];
  const seen = new Set<string>();
  for (const n of needs.sort((x, y) =>
    `${x.from}${x.to}${x.date}`.localeCompare(`${y.from}${y.to}${y.date}`),
  )) {
    const k = `${n.from}>${n.to}@${n.date}`;
    if (seen.has(k)) continue;
    seen.add(k);
    const r = await findFxRate(db, n.from, n.to, n.date, maxAgeDays);
    if (r.kind !== 'rate')
      throw new AppError('CONFLICT', `close of ${brand.code} ${p.id} stopped: ${describeRateProblem(r)}`);
    out.push({
      date: n.date,
      base: n.from,
      quote: n.to,
      rate: r.rate,
      source: `${r.source} (${r.date})`,
    });
  }
  return out;
}

/** How many activity rows the period has (for the progress bar). */
export async function countActivity(db: Db, brand: BrandRow, p: PeriodBounds): Promise<number> {
  const r = await sql<{ n: string }>`select
    (select count(*) from igaming_days where brand_id = ${brand.id} and day >= ${p.start} and day < ${p.end})
    + (select count(*) from trades where brand_id = ${brand.id} and ${tradeBounds(p, brand.timezone)})
    + (select count(*) from prop_purchases where brand_id = ${brand.id} and day >= ${p.start} and day < ${p.end})
    + (select count(*) from prop_refunds where brand_id = ${brand.id} and day >= ${p.start} and day < ${p.end})
    + (select count(*) from funded_payouts where brand_id = ${brand.id} and day >= ${p.start} and day < ${p.end})
    + (select count(*) from deliverables where brand_id = ${brand.id} and status = 'approved'
        and delivered_on >= ${p.start} and delivered_on < ${p.end}) as n`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

const big = (v: string | number | null | undefined) => (v === null || v === undefined ? 0n : BigInt(v));

/**
 * Keyset pages with one page of read-ahead: the query for page k+1 is sent (its key is the last row of page
 * k) before page k is handed on, so the database works on it while the caller computes.
 */
async function* pages<R, K>(
  query: (after: K | null) => Promise<QueryResult<R>>,
  keyOf: (last: R) => K,
  batchSize: number,
): AsyncGenerator<R[]> {
  let next: Promise<QueryResult<R>> | null = query(null);
  while (next) {
    const r: QueryResult<R> = await next;
    next = null;
    if (r.rows.length === 0) break;
    if (r.rows.length >= batchSize) {
      next = query(keyOf(r.rows[r.rows.length - 1]!));
      // an abandoned read-ahead (the caller stopped early) must not surface as an unhandled rejection
      next.catch(() => undefined);
    }
    yield r.rows;
  }
}

/**
 * The period's activity as engine rows, in batches read by keyset pagination (never the whole period in
 * memory). Customers are given by their public id; unowned customers by their internal id (the engine
 * counts them as unattributed).
 */
export async function* streamActivity(
  db: Db,
  brand: BrandRow,
  p: PeriodBounds,
  publicIds: ReadonlyMap<string, string>,
  batchSize = 5000,
  opts: { ownerPartnerId?: string } = {},
): AsyncGenerator<ActivityRow[]> {
  const pub = (id: string) => publicIds.get(id) ?? id;
  const b = brand.id;
  // a back-test reads one partner's customers only
  const owned: RawBuilder<unknown> =
    opts.ownerPartnerId !== undefined
      ? sql`and customer_id in (select id from customers where brand_id = ${b} and owner_partner_id = ${opts.ownerPartnerId})`
      : sql``;
  // iGaming customer-days
  for await (const rows of pages(
    (key: [string, string, string] | null) => {
      const after: RawBuilder<unknown> = key
        ? sql`and (customer_id, day, currency) > (${key[0]}::uuid, ${key[1]}::date, ${key[2]})`
        : sql``;
      return sql<
        Record<string, string>
      >`select customer_id, day::text as day, currency, stakes, wins, bonuses,
        jackpot_contributions, gaming_tax, payment_fees, chargebacks, admin_fee, deposits, bets
      from igaming_days where brand_id = ${b} and day >= ${p.start} and day < ${p.end} ${owned} ${after}
      order by customer_id, day, currency limit ${batchSize}`.execute(db);
    },
    (last) => [last.customer_id!, last.day!, last.currency!] as [string, string, string],
    batchSize,
  )) {
    yield rows.map((x) => ({
      type: 'igaming_day' as const,
      brandId: b,
      customerId: pub(x.customer_id!),
      date: x.day!,
      currency: x.currency!,
      stakes: big(x.stakes),
      wins: big(x.wins),
      bonuses: big(x.bonuses),
      jackpotContributions: big(x.jackpot_contributions),
      gamingTax: big(x.gaming_tax),
      paymentFees: big(x.payment_fees),
      chargebacks: big(x.chargebacks),
      adminFee: big(x.admin_fee),
      deposits: big(x.deposits),
      bets: Number(x.bets ?? 0),
    }));
  }
  // closed trades
  for await (const rows of pages(
    (tk: string | null) => {
      const after = tk !== null ? sql`and trade_id > ${tk}` : sql``;
      return sql<Record<string, string | Date | null>>`select trade_id, customer_id, symbol, instrument_class,
        account_type, side, lots::text as lots, opened_at, closed_at, currency, spread_per_lot, markup_per_lot, equity, credit
      from trades where brand_id = ${b} and ${tradeBounds(p, brand.timezone)} ${owned} ${after}
      order by trade_id limit ${batchSize}`.execute(db);
    },
    (last) => last.trade_id as string,
    batchSize,
  )) {
    yield rows.map((x) => ({
      type: 'trade' as const,
      brandId: b,
      customerId: pub(x.customer_id as string),
      tradeId: x.trade_id as string,
      symbol: x.symbol as string,
      instrumentClass: x.instrument_class as string,
      accountType: x.account_type as string,
      side: x.side as 'buy' | 'sell',
      lots: x.lots as string,
      openedAt: new Date(x.opened_at as Date).getTime(),
      closedAt: new Date(x.closed_at as Date).getTime(),
      currency: x.currency as string,
      spreadPerLot: big(x.spread_per_lot as string),
      markupPerLot: big(x.markup_per_lot as string),
      ...(x.equity !== null ? { equity: big(x.equity as string) } : {}),
      ...(x.credit !== null ? { credit: big(x.credit as string) } : {}),
    }));
  }
  // prop purchases, refunds, funded payouts
  yield* keyset(db, 'prop_purchases', 'purchase_id', b, p, batchSize, owned, (x) => ({
    type: 'prop_purchase' as const,
    brandId: b,
    customerId: pub(x.customer_id!),
    purchaseId: x.purchase_id!,
    date: x.day!,
    currency: x.currency!,
    amountPaid: big(x.amount_paid),
    listPrice: big(x.list_price),
    purchaseKind: x.purchase_kind as 'first',
  }));
  yield* keyset(db, 'prop_refunds', 'refund_id', b, p, batchSize, owned, (x) => ({
    type: 'prop_refund' as const,
    brandId: b,
    customerId: pub(x.customer_id!),
    purchaseId: x.purchase_id!,
    date: x.day!,
    currency: x.currency!,
    amount: big(x.amount),
    reason: x.reason as 'refund' | 'chargeback',
  }));
  yield* keyset(db, 'funded_payouts', 'payout_id', b, p, batchSize, owned, (x) => ({
    type: 'prop_payout' as const,
    brandId: b,
    customerId: pub(x.customer_id!),
    payoutId: x.payout_id!,
    date: x.day!,
    currency: x.currency!,
    amount: big(x.amount),
  }));
  // approved deliverables (ambassadors, influencers), by the day they were delivered
  for await (const rows of pages(
    (k: string | null) => {
      const after = k !== null ? sql`and id > ${k}::uuid` : sql``;
      const mine = opts.ownerPartnerId !== undefined ? sql`and partner_id = ${opts.ownerPartnerId}` : sql``;
      return sql<Record<string, string>>`select id::text as id, partner_id::text as partner_id, segment,
        deliverable_type, delivered_on::text as day
      from deliverables where brand_id = ${b} and status = 'approved'
        and delivered_on >= ${p.start} and delivered_on < ${p.end} ${mine} ${after}
      order by id limit ${batchSize}`.execute(db);
    },
    (last) => last.id!,
    batchSize,
  ))
    yield rows.map((x) => ({
      type: 'deliverable' as const,
      partnerId: x.partner_id!,
      segment: x.segment as Segment,
      deliverableId: x.id!,
      deliverableType: x.deliverable_type!,
      date: x.day!,
    }));
}

async function* keyset(
  db: Db,
  table: 'prop_purchases' | 'prop_refunds' | 'funded_payouts',
  keyCol: string,
  brandId: string,
  p: PeriodBounds,
  batchSize: number,
  owned: RawBuilder<unknown>,
  map: (x: Record<string, string>) => ActivityRow,
): AsyncGenerator<ActivityRow[]> {
  for await (const rows of pages(
    (k: string | null) => {
      const after: RawBuilder<unknown> = k !== null ? sql`and ${sql.ref(keyCol)} > ${k}` : sql``;
      return sql<Record<string, string>>`select *, day::text as day from ${sql.table(table)}
      where brand_id = ${brandId} and day >= ${p.start} and day < ${p.end} ${owned} ${after}
      order by ${sql.ref(keyCol)} limit ${batchSize}`.execute(db);
    },
    (last) => last[keyCol]!,
    batchSize,
  ))
    yield rows.map(map);
}

export async function loadCarriedState(
  db: Db,
  brandId: string,
  period: string,
): Promise<CarriedState | null> {
  const r = await db
    .selectFrom('carried_states')
    .select('state')
    .where('brand_id', '=', brandId)
    .where('period', '=', period)
    .executeTakeFirst();
  if (!r) return null;
  return (typeof r.state === 'string' ? JSON.parse(r.state) : r.state) as CarriedState;
}
