import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Services } from '../../src/platform/services.js';

/** Test fixtures written straight into the tables of issues 4 and 5 (setup, not under test). */
export async function addBrand(
  s: Services,
  code: string,
  vertical: 'igaming' | 'forex' | 'prop',
  currency: string,
): Promise<string> {
  const id = uuidv7();
  await s.db
    .insertInto('brands')
    .values({
      id,
      code,
      name: code,
      vertical,
      currency,
      timezone: 'UTC',
      jurisdictions: [],
      landing_url_template: `https://${code}.example/?c={click_id}`,
      fallback_url: `https://${code}.example/`,
      created_at: new Date(),
      updated_at: new Date(),
    })
    .execute();
  return id;
}

export async function addPartner(
  s: Services,
  opts: { email?: string; parent?: { brandId: string; partnerId: string | null } } = {},
) {
  const id = uuidv7();
  await s.db
    .insertInto('partners')
    .values({
      id,
      display_name: `Partner ${id.slice(-6)}`,
      email: opts.email ?? `p${id.slice(-8)}@example.test`,
      country: 'DE',
      status: 'active',
      segments: ['affiliate', 'ib', 'influencer'],
      manager_user_id: null,
      created_at: new Date(),
      updated_at: new Date(),
    })
    .execute();
  return id;
}

/** An accepted contract (deal version) of a partner on a brand. */
export async function addContract(
  s: Services,
  partnerId: string,
  brandId: string,
  terms: Record<string, unknown>,
  effectiveFrom = '2024-01-01',
  version = 1,
) {
  const id = uuidv7();
  const text = JSON.stringify(terms);
  await s.db
    .insertInto('contracts')
    .values({
      id,
      partner_id: partnerId,
      brand_id: brandId,
      version,
      segments: terms.segments as string[],
      template_ids: [],
      tier: 'standard',
      terms: text,
      rendered_text: text,
      rendered_sha256: createHash('sha256').update(text).digest('hex'),
      effective_from: effectiveFrom,
      status: 'accepted',
      issued_at: new Date('2024-01-01T00:00:00Z'),
      accepted_at: new Date('2024-01-01T00:00:00Z'),
    } as never)
    .execute();
  return id;
}

export async function addCustomer(
  s: Services,
  brandId: string,
  partnerId: string,
  segment: string,
  ext: string,
  registeredAt = '2024-12-01T00:00:00Z',
) {
  const id = uuidv7();
  await s.db
    .insertInto('customers')
    .values({
      id,
      brand_id: brandId,
      external_id: ext,
      public_id: `c_${id.replace(/-/g, '').slice(-12)}`,
      owner_partner_id: partnerId,
      owner_segment: segment,
      attribution_source: 'staff',
      attributed_at: new Date(registeredAt),
      registered_at: new Date(registeredAt),
      country: 'DE',
    } as never)
    .execute();
  return id;
}

export async function addIgDay(
  s: Services,
  brandId: string,
  customerId: string,
  day: string,
  stakes: number,
  wins: number,
  bonuses = 0,
) {
  await s.db
    .insertInto('igaming_days')
    .values({
      brand_id: brandId,
      customer_id: customerId,
      day,
      currency: 'EUR',
      stakes,
      wins,
      bonuses,
      received_at: new Date(),
    } as never)
    .execute();
}

export async function addTrade(
  s: Services,
  brandId: string,
  customerId: string,
  tradeId: string,
  closedAt: string,
  lots: string,
  currency = 'USD',
) {
  const closed = new Date(closedAt);
  await s.db
    .insertInto('trades')
    .values({
      brand_id: brandId,
      trade_id: tradeId,
      customer_id: customerId,
      symbol: 'EURUSD',
      instrument_class: 'fx',
      account_type: 'standard',
      side: 'buy',
      lots,
      opened_at: new Date(closed.getTime() - 3_600_000),
      closed_at: closed,
      currency,
      received_at: new Date(),
    } as never)
    .execute();
}

export async function addPurchase(
  s: Services,
  brandId: string,
  customerId: string,
  purchaseId: string,
  day: string,
  amount: number,
) {
  await s.db
    .insertInto('prop_purchases')
    .values({
      brand_id: brandId,
      purchase_id: purchaseId,
      customer_id: customerId,
      day,
      currency: 'USD',
      amount_paid: amount,
      list_price: amount,
      purchase_kind: 'first',
      received_at: new Date(),
    } as never)
    .execute();
}

export async function addRefund(
  s: Services,
  brandId: string,
  customerId: string,
  purchaseId: string,
  day: string,
  amount: number,
) {
  await s.db
    .insertInto('prop_refunds')
    .values({
      brand_id: brandId,
      refund_id: `r-${purchaseId}-${day}`,
      purchase_id: purchaseId,
      customer_id: customerId,
      day,
      currency: 'USD',
      amount,
      reason: 'refund',
      received_at: new Date(),
    } as never)
    .execute();
}

export async function addRate(s: Services, date: string, base: string, quote: string, rate: string) {
  await s.db
    .insertInto('fx_rates')
    .values({ rate_date: date, base, quote, rate, source: 'test', imported_at: new Date() })
    .execute();
}

/**
 * The invariant the ledger keeps at every step: each partner account's balance (summed from entries) equals
 * the sum of the amounts of the lines whose state puts their money there.
 */
export async function balancesMatchLines(
  s: Services,
  partnerId: string,
): Promise<{ fromEntries: Record<string, string>; fromLines: Record<string, string> }> {
  const e = await s.db
    .selectFrom('ledger_entries')
    .select(['account', 'currency', (eb) => eb.fn.sum<string>('amount').as('sum')])
    .where('partner_id', '=', partnerId)
    .groupBy(['account', 'currency'])
    .execute();
  const fromEntries: Record<string, string> = {};
  for (const r of e)
    if (BigInt(r.sum) !== 0n) fromEntries[`${r.account}:${r.currency}`] = (-BigInt(r.sum)).toString();
  const lines = await s.db
    .selectFrom('commission_lines as l')
    .leftJoin('payout_lines as pl', 'pl.id', 'l.payout_line_id')
    .select(['l.state', 'l.currency', 'l.amount', 'pl.status as pstatus', 'l.payout_line_id'])
    .where('l.partner_id', '=', partnerId)
    .execute();
  const acc: Record<string, bigint> = {};
  for (const l of lines) {
    const a =
      l.state === 'pending' || l.state === 'approved'
        ? 'partner_pending'
        : l.state === 'payable'
          ? l.payout_line_id
            ? 'partner_in_payout'
            : 'partner_payable'
          : null;
    if (!a) continue;
    const k = `${a}:${l.currency}`;
    acc[k] = (acc[k] ?? 0n) + BigInt(l.amount);
  }
  const fromLines: Record<string, string> = {};
  for (const [k, v] of Object.entries(acc)) if (v !== 0n) fromLines[k] = v.toString();
  return { fromEntries, fromLines };
}

/**
 * A brand's program in one step (setup, not under test): the brand, a partner on an accepted deal of
 * `components` for one segment in the brand's currency, and the partner's customers in that segment (by external
 * id, in the order given). `deal` adds or overrides deal terms (name, negativeBalance, …).
 */
export async function addProgram<const C extends readonly string[] = []>(
  s: Services,
  p: {
    brand: string;
    vertical: 'igaming' | 'forex' | 'prop';
    currency: string;
    segment: string;
    components: Record<string, unknown>[];
    customers?: C;
    deal?: Record<string, unknown>;
  },
): Promise<{ brandId: string; partnerId: string; customers: { -readonly [K in keyof C]: string } }> {
  const brandId = await addBrand(s, p.brand, p.vertical, p.currency);
  const partnerId = await addPartner(s);
  await addContract(s, partnerId, brandId, {
    schemaVersion: 1,
    name: `${p.brand} deal`,
    currency: p.currency,
    segments: [p.segment],
    brands: [brandId],
    components: p.components,
    ...p.deal,
  });
  const customers: string[] = [];
  for (const ext of p.customers ?? [])
    customers.push(await addCustomer(s, brandId, partnerId, p.segment, ext));
  return { brandId, partnerId, customers: customers as { -readonly [K in keyof C]: string } };
}
