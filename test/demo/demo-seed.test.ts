import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/verify-audit-chain.js';
import { DEMO_FX_SOURCE } from '../../src/demo/seed-money.js';
import { DEMO_PASSWORD, isEmpty, seedDemo } from '../../src/demo/seed-demo.js';
import { ledgerBalanced } from '../../src/ledger/ledger-store.js';
import type { Services } from '../../src/platform/services.js';
import { verifyStatement } from '../../src/statements/statement-store.js';
import { createTestContext, sessionCookie, type TestContext } from '../helpers/test-app.js';
import { ENGINE } from '../helpers/test-db.js';

// Both seeds run at the same instant: the demo is relative to its seed day, and must be the same every time.
const seededAt = new Date();
const DAY = 86_400_000;
const today = Math.floor(seededAt.getTime() / DAY) * DAY;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const month = (ms: number) => new Date(ms).toISOString().slice(0, 7);
const lastMonth = month(Date.parse(`${month(today)}-01T00:00:00Z`) - DAY);
const monthBefore = month(Date.parse(`${lastMonth}-01T00:00:00Z`) - DAY);
/** The Overview's default period: the last 30 days, today included. */
const PERIOD = `from=${iso(today - 29 * DAY)}&to=${iso(today + DAY)}`;

let a: TestContext;
let b: TestContext;

async function seedAt(ctx: TestContext): Promise<void> {
  await seedDemo({ ...ctx.services, clock: () => seededAt } as Services);
}

async function signIn(ctx: TestContext, email: string) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password: DEMO_PASSWORD },
  });
  expect(res.statusCode).toBe(200);
  const cookie = sessionCookie(res);
  return (url: string) => ctx.app.inject({ method: 'GET', url, headers: { cookie } });
}

type Kpi = { key: string; value: unknown; previous: unknown; detail: Record<string, unknown> };

/** What the demo looks like, without ids or the times that depend on how long seeding took. */
async function fingerprint(s: Services) {
  const count = async (table: string) =>
    Number(
      (await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(s.db)).rows[0]!
        .n,
    );
  const tables = [
    'partners',
    'contracts',
    'customers',
    'clicks',
    'igaming_days',
    'trades',
    'prop_purchases',
    'fx_rates',
    'commission_lines',
    'ledger_entries',
    'payout_batches',
    'payout_lines',
    'statements',
    'nps_answers',
    'reporting_customer_cohorts',
  ];
  const counts = Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await count(t)] as const)));
  const lines = await sql<{ period: string; state: string; currency: string; n: string; amount: string }>`
    select lp.period, l.state, l.currency, count(*)::text as n, sum(l.amount)::text as amount
    from commission_lines l join ledger_periods lp on lp.id = l.period_id
    group by 1, 2, 3 order by 1, 2, 3`.execute(s.db);
  const fx = await sql<{ quote: string; rates: string }>`
    select quote, string_agg(rate_date::text || '=' || rate::text, ',' order by rate_date) as rates
    from fx_rates group by quote order by quote`.execute(s.db);
  return { counts, lines: lines.rows, fx: fx.rows };
}

beforeAll(async () => {
  [a, b] = await Promise.all([createTestContext(), createTestContext()]);
  await seedAt(a);
}, 240_000);
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

describe(`the demo operator [${ENGINE}]`, () => {
  it('is deterministic: a second database seeded at the same time holds the same demo', async () => {
    await seedAt(b);
    expect(await fingerprint(b.services)).toEqual(await fingerprint(a.services));
  }, 240_000);

  it('seeds an empty database only', async () => {
    expect(await isEmpty(a.services)).toBe(false);
  });

  it('has demo exchange rates, marked as such, up to the seed day', async () => {
    const rates = await a.services.db
      .selectFrom('fx_rates')
      .select(['quote', 'source', 'rate_date'])
      .execute();
    expect(new Set(rates.map((r) => r.quote))).toEqual(new Set(['USD', 'GBP']));
    expect(new Set(rates.map((r) => r.source))).toEqual(new Set([DEMO_FX_SOURCE]));
    expect(DEMO_FX_SOURCE).toMatch(/not ECB/);
    const last = rates
      .map((r) => String(r.rate_date))
      .sort()
      .at(-1)!;
    expect(
      Date.parse(`${iso(today)}T00:00:00Z`) - Date.parse(`${last.slice(0, 10)}T00:00:00Z`),
    ).toBeLessThanOrEqual(3 * DAY);
  });

  it('closed the last two calendar months of every brand through the close, with lines, balances and sealed statements', async () => {
    const db = a.services.db;
    const periods = await db
      .selectFrom('ledger_periods as p')
      .innerJoin('brands as b', 'b.id', 'p.brand_id')
      .select(['b.code', 'p.period', 'p.state'])
      .orderBy('b.code')
      .orderBy('p.period')
      .execute();
    for (const code of ['apex-fx', 'lucky-spins', 'summit-prop'])
      for (const period of [monthBefore, lastMonth])
        expect(periods.find((p) => p.code === code && p.period === period)?.state).not.toBe('open');
    const states = await db
      .selectFrom('commission_lines as l')
      .innerJoin('ledger_periods as p', 'p.id', 'l.period_id')
      .select(['p.period', 'l.state'])
      .execute();
    // the month before last is paid; last month partly approved (payable), the forex brand's lines pending
    expect(states.filter((l) => l.period === monthBefore && l.state === 'paid').length).toBeGreaterThan(0);
    expect(states.filter((l) => l.period === lastMonth && l.state === 'payable').length).toBeGreaterThan(0);
    expect(states.filter((l) => l.period === lastMonth && l.state === 'pending').length).toBeGreaterThan(0);
    expect(await ledgerBalanced(db)).toBe(true);
    const closes = await db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'in', [
        'period.closed',
        'commission_lines.approve',
        'payout_batch.created',
        'statement.issued',
      ])
      .execute();
    expect(new Set(closes.map((c) => c.action))).toEqual(
      new Set(['period.closed', 'commission_lines.approve', 'payout_batch.created', 'statement.issued']),
    );
    const statements = await db.selectFrom('statements').select(['id', 'period']).execute();
    expect(new Set(statements.map((x) => x.period))).toEqual(new Set([monthBefore, lastMonth]));
    for (const st of statements.slice(0, 5)) expect((await verifyStatement(db, st.id)).kind).toBe('intact');
  });

  it('paid the month before last in done batches and has a batch waiting for finance', async () => {
    const batches = await a.services.db.selectFrom('payout_batches').select(['status', 'pay_date']).execute();
    expect(batches.filter((x) => x.status === 'done').length).toBeGreaterThanOrEqual(1);
    expect(batches.filter((x) => x.status === 'approving')).toHaveLength(1);
    const finance = await signIn(a, 'finance@demo.consort.local');
    const lines = (await finance(`/api/v1/commission-lines?period=${lastMonth}&limit=50`)).json() as {
      items: { partnerId: string; partnerName: string | null }[];
    };
    expect(lines.items.length).toBeGreaterThan(0);
    // the list names each line's partner (uuidv7 ids created together share their first digits)
    for (const l of lines.items) expect(l.partnerName).toEqual(expect.stringMatching(/\S/));
    const tasks = (await finance('/api/v1/reports/tasks')).json() as {
      groups: { kind: string; count: number }[];
    };
    expect(tasks.groups.find((g) => g.kind === 'payout_approvals')?.count).toBe(1);
  });

  it('gives every Overview KPI a value for the last 30 days, LTV included, even after someone signs in', async () => {
    const admin = await signIn(a, 'admin@demo.consort.local');
    const res = await admin(`/api/v1/reports/kpis?${PERIOD}`);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { missingRates: string[]; ltvRefreshedAt: string | null; kpis: Kpi[] };
    expect(body.missingRates).toEqual([]);
    expect(body.ltvRefreshedAt).not.toBeNull();
    const kpi = Object.fromEntries(body.kpis.map((k) => [k.key, k]));
    for (const k of body.kpis) expect(k.value, k.key).not.toBeNull();
    expect(Number(kpi.onboardedToActive!.value)).toBeGreaterThan(0);
    expect(Number(kpi.partnerMixBreadth!.value)).toBeGreaterThan(0);
    expect(kpi.topPartnerRetention!.detail).toMatchObject({ top: expect.any(Number) });
    expect(Number(kpi.topPartnerRetention!.detail.top)).toBeGreaterThan(0);
    expect(Number(kpi.auditReadiness!.value)).toBe(100);
    expect(Number(kpi.customerLtv!.value)).toBeGreaterThan(0);
    const mix = (await admin(`/api/v1/reports/segment-mix?${PERIOD}`)).json() as {
      segments: { segment: string; revenue: string }[];
    };
    expect(mix.segments.filter((x) => BigInt(x.revenue) > 0n).map((x) => x.segment)).toEqual(
      expect.arrayContaining(['affiliate', 'ib', 'ambassador']),
    );
  }, 120_000);

  it('shows Maya her balance, earnings and payouts, and the survey she has not answered', async () => {
    const maya = await signIn(a, 'maya@partners.example');
    const balance = (await maya('/api/v1/portal/balance')).json() as {
      balances: { currency: string; pendingMinor: string; payableMinor: string }[];
    };
    expect(balance.balances.some((x) => BigInt(x.pendingMinor) + BigInt(x.payableMinor) > 0n)).toBe(true);
    const payouts = (await maya('/api/v1/portal/payouts')).json() as { total: number };
    expect(payouts.total).toBeGreaterThan(0);
    const answered = await a.services.db
      .selectFrom('nps_answers as n')
      .innerJoin('partners as p', 'p.id', 'n.partner_id')
      .select('p.display_name')
      .execute();
    expect(answered.length).toBeGreaterThan(5);
    expect(answered.map((x) => x.display_name)).not.toContain('Maya Creator');
  });

  it('leaves an intact, verified audit chain with an ownership record per customer', async () => {
    const db = a.services.db;
    expect((await verifyAuditChain(db)).ok).toBe(true);
    const v = await db.selectFrom('audit_verifications').select(['ok', 'trigger']).execute();
    expect(v).toContainEqual({ ok: true, trigger: 'demo seed' });
    const missing = await sql<{ n: string }>`
      select count(*)::text as n from customers c where not exists (select 1 from audit_log a
        where a.entity_type = 'customer' and a.entity_id = c.id::text and a.action = 'customer.attributed')`.execute(
      db,
    );
    expect(missing.rows[0]!.n).toBe('0');
  });
});
