import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { appendAudits, appendBatchAudit } from '../audit/audit-store.js';
import { writeAudited } from '../audit/write-audited.js';
import type { Database } from '../platform/db/schema.js';
import type { Services } from '../platform/services.js';
import { rebuildRollups } from '../tracking/rollup-store.js';
import { createPromoCode, createTrackingLink } from '../tracking/tracking-asset-store.js';

/** mulberry32: a small seeded PRNG, so the demo data is the same on every run. */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;

/** UUIDv7-shaped id from a timestamp and the PRNG (time-ordered like real click ids, but reproducible). */
function idAt(ms: number, rnd: () => number): string {
  const hex = ms.toString(16).padStart(12, '0');
  const r = () =>
    Math.floor(rnd() * 0x10000)
      .toString(16)
      .padStart(4, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${r().slice(1)}-${(Math.floor(rnd() * 4) + 8).toString(16)}${r().slice(1)}-${r()}${r()}${r()}`;
}

async function insertChunks(
  trx: Transaction<Database>,
  table: string,
  rows: Record<string, unknown>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000)
    await trx
      .insertInto(table as never)
      .values(rows.slice(i, i + 1000) as never)
      .execute();
}

/**
 * Ninety days of demo traffic for the active demo partners, deterministic (seeded PRNG, times relative to
 * `now` truncated to the day): links and a promo code, clicks with sub-ids, registrations (with a few
 * overlaps between partners), FTDs and deposits, iGaming days, closed trades and prop purchases; then the
 * rollups are built from the data.
 */
export async function seedDemoActivity(s: Services): Promise<void> {
  const rnd = prng(20261125);
  const brands = Object.fromEntries(
    (await s.db.selectFrom('brands').select(['id', 'code', 'currency']).execute()).map((b) => [b.code, b]),
  );
  const partners = Object.fromEntries(
    (
      await s.db
        .selectFrom('partners')
        .select(['id', 'display_name'])
        .where('status', '=', 'active')
        .execute()
    ).map((p) => [p.display_name, p.id]),
  );
  const maya = partners['Maya Creator'];
  const north = partners['Northwind Media Ltd'];
  const kestrel = partners['Kestrel Capital IB'];
  const spins = brands['lucky-spins'];
  const fx = brands['apex-fx'];
  const prop = brands['summit-prop'];
  if (!maya || !north || !kestrel || !spins || !fx || !prop) return;

  const actor = { type: 'system' as const, id: 'seed-demo' };
  const assets = await writeAudited(s, async (trx, now) => {
    const mk = (partnerId: string, segment: 'affiliate' | 'ib', brandId: string, code: string) =>
      createTrackingLink(trx, actor, { partnerId, segment, brandId, code, name: code, kind: 'custom' }, now);
    return {
      links: [
        { link: await mk(maya, 'affiliate', spins.id, 'demo-maya-spins'), brand: spins, perDay: 60, from: 0 },
        {
          link: await mk(north, 'affiliate', spins.id, 'demo-northwind-spins'),
          brand: spins,
          perDay: 90,
          from: 0,
        },
        { link: await mk(kestrel, 'ib', fx.id, 'demo-kestrel-fx'), brand: fx, perDay: 40, from: 0 },
        { link: await mk(maya, 'ib', fx.id, 'demo-maya-fx'), brand: fx, perDay: 20, from: 0 },
      ],
      code: await createPromoCode(
        trx,
        actor,
        { partnerId: maya, segment: 'ambassador', brandId: prop.id, code: 'DEMO-MAYA' },
        now,
      ),
    };
  });

  const today = Math.floor(s.clock().getTime() / DAY) * DAY;
  const start = today - 90 * DAY;
  // the generated active partners send a little traffic from the day they were activated: their default links
  // (casino and forex brands) and their promo codes (prop brand)
  const fromDay = (at: Date | null) =>
    at ? Math.max(0, Math.floor((Math.floor(at.getTime() / DAY) * DAY - start) / DAY)) : 0;
  const generated = await s.db
    .selectFrom('tracking_links as l')
    .innerJoin('partners as p', 'p.id', 'l.partner_id')
    .select(['l.id', 'l.partner_id', 'l.segment', 'l.brand_id', 'p.activated_at'])
    .where('l.kind', '=', 'default')
    .where('p.status', '=', 'active')
    .where('l.partner_id', 'not in', [maya, north, kestrel])
    .where('l.brand_id', 'in', [spins.id, fx.id])
    .orderBy('l.id')
    .execute();
  const links = [
    ...assets.links,
    ...generated.map((l) => ({
      link: l,
      brand: l.brand_id === spins.id ? spins : fx,
      perDay: 6,
      from: fromDay(l.activated_at),
    })),
  ];
  const propCodes = [
    {
      id: assets.code.id,
      code: assets.code.code,
      partnerId: maya,
      segment: 'ambassador',
      perDay: 3.5,
      from: 0,
    },
    ...(
      await s.db
        .selectFrom('promo_codes as c')
        .innerJoin('partners as p', 'p.id', 'c.partner_id')
        .select(['c.id', 'c.code', 'c.partner_id', 'c.segment', 'p.activated_at'])
        .where('p.status', '=', 'active')
        .where('c.brand_id', '=', prop.id)
        .where('c.partner_id', '<>', maya)
        .orderBy('c.id')
        .execute()
    ).map((c) => ({
      id: c.id,
      code: c.code,
      partnerId: c.partner_id,
      segment: c.segment,
      perDay: 0.6,
      from: fromDay(c.activated_at),
    })),
  ];
  const clicks: Record<string, unknown>[] = [];
  const customers: Record<string, unknown>[] = [];
  const events: Record<string, unknown>[] = [];
  const overlaps: Record<string, unknown>[] = [];
  const days: Record<string, unknown>[] = [];
  const trades: Record<string, unknown>[] = [];
  const purchases: Record<string, unknown>[] = [];
  const visitorLast = new Map<string, { partnerId: string; segment: string; at: number; clickId: string }>();
  let n = 0;
  const pub = (k: string) => `cu_${createHash('sha256').update(`demo:${k}`).digest('hex').slice(0, 16)}`;
  const event = (
    brandId: string,
    customerId: string,
    type: string,
    at: number,
    amount: bigint | null,
    currency: string,
    clickId: string | null,
    code: string | null,
  ) => {
    const id = idAt(at, rnd);
    const payload = {
      type,
      amount: amount === null ? null : String(amount),
      currency,
      click_id: clickId,
      promo_code: code,
    };
    events.push({
      id,
      brand_id: brandId,
      external_id: `demo-${type}-${++n}`,
      type,
      status: 'approved',
      customer_id: customerId,
      occurred_at: new Date(at),
      amount: amount === null ? null : String(amount),
      currency: amount === null ? null : currency,
      click_id: clickId,
      promo_code: code,
      version: 1,
      content_hash: createHash('sha256')
        .update(JSON.stringify(payload) + n)
        .digest('hex'),
      payload: JSON.stringify(payload),
      extra: '{}',
      received_at: new Date(at),
      updated_at: new Date(at),
    });
  };

  for (let d = 0; d < 90; d++) {
    for (const { link, brand, perDay, from } of links) {
      if (d < from) continue;
      const count = Math.floor(perDay * (0.7 + rnd() * 0.6));
      for (let i = 0; i < count; i++) {
        const at = start + d * DAY + Math.floor(rnd() * DAY);
        const id = idAt(at, rnd);
        // a shared pool of visitors per brand: some click two partners' links (overlaps)
        const visitor = `demo-${brand.code}-${Math.floor(rnd() * 4000)}`;
        const sub1 = ['yt', 'ig', 'blog', 'mail'][Math.floor(rnd() * 4)]!;
        clicks.push({
          id,
          clicked_at: new Date(at),
          link_id: link.id,
          promo_code_id: null,
          partner_id: link.partner_id,
          segment: link.segment,
          brand_id: brand.id,
          ip_hash: createHash('sha256').update(visitor).digest('base64url').slice(0, 22),
          visitor_id: visitor,
          user_agent: 'Mozilla/5.0 (demo)',
          referer: null,
          country: ['GB', 'MT', 'DE', 'CY'][Math.floor(rnd() * 4)]!,
          sub1,
          sub2: null,
          sub3: null,
          sub4: null,
          sub5: null,
          is_bot: rnd() < 0.02,
        });
        const prev = visitorLast.get(visitor);
        visitorLast.set(visitor, { partnerId: link.partner_id, segment: link.segment, at, clickId: id });
        if (rnd() > 0.035) continue;
        // registration within hours of the click: owner = this (last) click, locked at registration
        const regAt = Math.min(at + Math.floor(rnd() * 6 * 3_600_000), today - 1);
        const cid = uuidv7();
        const ext = `demo-${brand.code}-${n + 1}`;
        const ftd = rnd() < 0.45;
        const ftdAmount = BigInt(1000 * (1 + Math.floor(rnd() * 20)));
        customers.push({
          id: cid,
          brand_id: brand.id,
          external_id: ext,
          public_id: pub(ext),
          owner_partner_id: link.partner_id,
          owner_segment: link.segment,
          owner_link_id: link.id,
          owner_promo_code_id: null,
          owner_click_id: id,
          owner_sub_id: sub1,
          attribution_source: 'click',
          attributed_at: new Date(regAt),
          registered_at: new Date(regAt),
          first_deposit_at: ftd ? new Date(regAt + 3_600_000) : null,
          first_deposit_amount: ftd ? String(ftdAmount) : null,
          first_deposit_currency: ftd ? brand.currency : null,
          first_purchase_at: null,
          locked_at: new Date(regAt),
          country: 'GB',
          created_at: new Date(regAt),
          updated_at: new Date(regAt),
        });
        event(brand.id, cid, 'registration', regAt, null, brand.currency, id, null);
        if (
          prev &&
          (prev.partnerId !== link.partner_id || prev.segment !== link.segment) &&
          at - prev.at <= 30 * DAY
        )
          overlaps.push({
            id: uuidv7(),
            customer_id: cid,
            brand_id: brand.id,
            owner_partner_id: link.partner_id,
            owner_segment: link.segment,
            competing_partner_id: prev.partnerId,
            competing_segment: prev.segment,
            source: 'click',
            click_id: prev.clickId,
            promo_code_id: null,
            event_id: null,
            detected_at: new Date(regAt),
          });
        if (!ftd) continue;
        event(brand.id, cid, 'ftd', regAt + 3_600_000, ftdAmount, brand.currency, null, null);
        const active = Math.min(90 - d, 1 + Math.floor(rnd() * 16));
        for (let k = 1; k <= active; k++) {
          const dayMs = Math.floor((regAt + k * DAY) / DAY) * DAY;
          if (dayMs >= today) break;
          if (brand.code === 'lucky-spins') {
            const stakes = BigInt(6000 + Math.floor(rnd() * 90000));
            const wins = (stakes * BigInt(80 + Math.floor(rnd() * 25))) / 100n;
            days.push({
              brand_id: brand.id,
              customer_id: cid,
              day: new Date(dayMs).toISOString().slice(0, 10),
              currency: brand.currency,
              stakes: String(stakes),
              wins: String(wins),
              bonuses: String(stakes / 50n),
              jackpot_contributions: '0',
              gaming_tax: '0',
              payment_fees: '0',
              chargebacks: '0',
              admin_fee: '0',
              deposits: '0',
              bets: 10 + Math.floor(rnd() * 200),
              version: 1,
              received_at: new Date(dayMs + DAY),
            });
            if (rnd() < 0.2)
              event(
                brand.id,
                cid,
                'deposit',
                dayMs + 7_200_000,
                BigInt(1000 * (1 + Math.floor(rnd() * 10))),
                brand.currency,
                null,
                null,
              );
          } else {
            for (let t = 0; t < 1 + Math.floor(rnd() * 4); t++) {
              const open = dayMs + Math.floor(rnd() * DAY * 0.8);
              trades.push({
                brand_id: brand.id,
                trade_id: `demo-t-${trades.length + 1}`,
                customer_id: cid,
                symbol: ['EURUSD', 'GBPUSD', 'US500', 'XAUUSD'][t % 4]!,
                instrument_class: t % 4 === 2 ? 'indices' : t % 4 === 3 ? 'metals' : 'fx',
                account_type: 'standard',
                side: rnd() < 0.5 ? 'buy' : 'sell',
                lots: (0.1 + Math.floor(rnd() * 30) / 10).toFixed(2),
                opened_at: new Date(open),
                closed_at: new Date(open + 60_000 + Math.floor(rnd() * 7_200_000)),
                currency: brand.currency,
                spread_per_lot: String(800 + Math.floor(rnd() * 800)),
                markup_per_lot: '0',
                commission: '0',
                equity: null,
                credit: null,
                version: 1,
                received_at: new Date(open + 8_000_000),
              });
            }
          }
        }
      }
    }
    // prop: influencer code purchases (the code is the claim)
    for (const pc of propCodes) {
      if (d < pc.from) continue;
      const count = Math.floor(pc.perDay * (0.4 + rnd() * 1.2) + rnd());
      for (let i = 0; i < count; i++) {
        const at = start + d * DAY + Math.floor(rnd() * DAY);
        if (at >= today) continue;
        const cid = uuidv7();
        const ext = `demo-summit-${n + 1}`;
        const price = [9900n, 19900n, 49900n][Math.floor(rnd() * 3)]!;
        customers.push({
          id: cid,
          brand_id: prop.id,
          external_id: ext,
          public_id: pub(ext),
          owner_partner_id: pc.partnerId,
          owner_segment: pc.segment,
          owner_link_id: null,
          owner_promo_code_id: pc.id,
          owner_click_id: null,
          owner_sub_id: null,
          attribution_source: 'code',
          attributed_at: new Date(at),
          registered_at: new Date(at),
          first_deposit_at: null,
          first_deposit_amount: null,
          first_deposit_currency: null,
          first_purchase_at: new Date(at),
          locked_at: new Date(at),
          country: 'DE',
          created_at: new Date(at),
          updated_at: new Date(at),
        });
        event(prop.id, cid, 'purchase', at, (price * 90n) / 100n, prop.currency, null, pc.code);
        purchases.push({
          brand_id: prop.id,
          purchase_id: `demo-p-${purchases.length + 1}`,
          customer_id: cid,
          day: new Date(at).toISOString().slice(0, 10),
          currency: prop.currency,
          amount_paid: String((price * 90n) / 100n),
          list_price: String(price),
          purchase_kind: 'first',
          promo_code: pc.code,
          version: 1,
          received_at: new Date(at),
        });
      }
    }
  }

  const eventVersions = events.map((e) => ({
    event_id: e.id,
    version: 1,
    content_hash: e.content_hash,
    payload: e.payload,
    extra: '{}',
    received_at: e.received_at,
    actor_id: 'seed-demo',
  }));
  const history = customers.map((c) => ({
    id: uuidv7(),
    customer_id: c.id,
    partner_id: c.owner_partner_id,
    segment: c.owner_segment,
    source: c.attribution_source,
    decided_by: 'attribution',
    reason: 'demo seed',
    event_id: null,
    actor_id: 'seed-demo',
    decided_at: c.attributed_at,
  }));
  // one transaction, audited like the high-volume writes it stands for: a batch record per table (count, id
  // range, content hash) and, as attribution does, one `customer.attributed` record per customer
  await writeAudited(s, async (trx, now) => {
    await insertChunks(trx, 'clicks', clicks);
    await insertChunks(trx, 'customers', customers);
    await insertChunks(trx, 'events', events);
    await insertChunks(trx, 'event_versions', eventVersions);
    await insertChunks(trx, 'attribution_overlaps', overlaps);
    await insertChunks(trx, 'customer_ownership_history', history);
    await insertChunks(trx, 'igaming_days', days);
    await insertChunks(trx, 'trades', trades);
    await insertChunks(trx, 'prop_purchases', purchases);
    const seeded: Array<[string, string, Record<string, unknown>[], (r: Record<string, unknown>) => string]> =
      [
        ['clicks', 'click', clicks, (r) => String(r.id)],
        ['customers', 'customer', customers, (r) => String(r.id)],
        ['events', 'event', events, (r) => String(r.id)],
        ['event_versions', 'event', eventVersions, (r) => String(r.event_id)],
        ['attribution_overlaps', 'attribution_overlap', overlaps, (r) => String(r.id)],
        ['customer_ownership_history', 'customer', history, (r) => String(r.id)],
        ['igaming_days', 'igaming_day', days, (r) => `${r.customer_id}@${r.day}`],
        ['trades', 'trade', trades, (r) => String(r.trade_id)],
        ['prop_purchases', 'prop_purchase', purchases, (r) => String(r.purchase_id)],
      ];
    for (const [table, entityType, rows, key] of seeded)
      if (rows.length > 0)
        await appendBatchAudit(
          trx,
          actor,
          {
            action: `demo.${table}.seeded`,
            entityType,
            count: rows.length,
            firstId: key(rows[0]!),
            lastId: key(rows[rows.length - 1]!),
            content: rows
              .map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v)))
              .join('\n'),
          },
          now,
        );
    await appendAudits(
      trx,
      actor,
      customers.map((c) => ({
        at: c.attributed_at as Date,
        action: 'customer.attributed',
        entityType: 'customer',
        entityId: String(c.id),
        before: { partnerId: null, segment: null },
        after: {
          partnerId: c.owner_partner_id,
          segment: c.owner_segment,
          source: c.attribution_source,
          eventId: null,
          rule: 'demo seed',
        },
      })),
    );
  });
  await rebuildRollups(s.db);
}
