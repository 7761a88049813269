/**
 * Period-close benchmark: `npm run bench:close` (add `--quick` for a tenth of the rows) on the database of
 * DATABASE_URL (an empty database: it is migrated and filled) or else an in-memory PGlite. Seeds, in SQL,
 * 1,000,000 iGaming customer-days, 1,000,000 trades and 100,000 prop purchases over 10,000 partners (IB
 * trees 5 levels deep, each partner contracted on the three brands), closes January 2025 on each brand, and
 * measures in the same run the I/O floor: reading the same activity rows (same keyset pagination) and writing
 * the same number of lines and entries (COPY on PostgreSQL; multi-row INSERT on PGlite, which has no COPY
 * stream). The last line is JSON.
 */
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { sql } from 'kysely';
import { closePeriod } from '../src/ledger/close-period.js';
import { loadBrandByCodeOrThrow, periodBounds, streamActivity } from '../src/ledger/close-inputs-store.js';
import { ledgerBalanced } from '../src/ledger/ledger-store.js';
import { loadConfig } from '../src/platform/config.js';
import { migrateToLatest, openDatabase } from '../src/platform/db/database.js';
import { createLogger } from '../src/platform/logging.js';
import type { Services } from '../src/platform/services.js';

const quick = process.argv.includes('--quick');
const scale = quick ? 10 : 1;
const N_DAYS = 1_000_000 / scale;
const N_TRADES = 1_000_000 / scale;
const N_PURCHASES = 100_000 / scale;
const N_PARTNERS = 10_000;
const url = process.env.DATABASE_URL;

const uid = (expr: string, prefix: string) => `('${prefix}' || lpad(to_hex(${expr}), 12, '0'))::uuid`;
const PARTNER = (e: string) => uid(e, '00000000-0000-4000-8000-');
const CUSTOMER = (e: string) => uid(e, '00000000-0000-4000-9000-');
const log = (m: string) => process.stderr.write(`${m}\n`);

async function main() {
  const database = await openDatabase(url ? { databaseUrl: url, poolSize: 4 } : {});
  await migrateToLatest(database.db);
  const db = database.db;
  const services = {
    // the database URL lets the close write with COPY on its own connection, as `consort close` does
    config: loadConfig({ logLevel: 'silent', databaseUrl: url }, {}),
    database,
    db,
    logger: createLogger('silent'),
    mailer: { send: async () => undefined },
    clock: () => new Date('2025-02-02T00:00:00Z'),
    auditChainer: { kick() {}, flush: async () => undefined, close: async () => undefined },
  } as unknown as Services;

  const t0 = performance.now();
  const brands = { ig: 'bench-ig', fx: 'bench-fx', prop: 'bench-prop' } as const;
  const ids = {
    ig: '00000000-0000-4000-a000-000000000001',
    fx: '00000000-0000-4000-a000-000000000002',
    prop: '00000000-0000-4000-a000-000000000003',
  };
  for (const [k, vertical] of [
    ['ig', 'igaming'],
    ['fx', 'forex'],
    ['prop', 'prop'],
  ] as const)
    await sql`insert into brands (id, code, name, vertical, currency, landing_url_template, fallback_url)
      values (${ids[k]}, ${brands[k]}, ${brands[k]}, ${vertical}, 'EUR', 'https://x.example/{click_id}', 'https://x.example/')`.execute(
      db,
    );
  await sql
    .raw(`insert into partners (id, display_name, status, segments)
    select ${PARTNER('i')}, 'P' || i, 'active', '{affiliate,ib,influencer}' from generate_series(1, ${N_PARTNERS}) i`)
    .execute(db);
  const terms = {
    ig: {
      schemaVersion: 1,
      name: 'ig',
      currency: 'EUR',
      segments: ['affiliate'],
      brands: [ids.ig],
      components: [
        {
          id: 'rev',
          kind: 'igaming_revshare',
          ngr: { deductions: [{ kind: 'bonuses', method: 'reported' }] },
          rate: '30',
          carryover: { enabled: true, scope: 'per_brand' },
        },
      ],
    },
    fx: {
      schemaVersion: 1,
      name: 'fx',
      currency: 'EUR',
      segments: ['ib'],
      brands: [ids.fx],
      components: [
        {
          id: 'rebate',
          kind: 'forex_rebate',
          method: { kind: 'per_lot', rates: [{ instrumentClass: 'fx', perLot: '4' }] },
        },
        { id: 'ovr', kind: 'forex_lot_override', perLotByDepth: ['1', '0.5', '0.25', '0.1'] },
      ],
    },
    prop: {
      schemaVersion: 1,
      name: 'prop',
      currency: 'EUR',
      segments: ['influencer'],
      brands: [ids.prop],
      components: [
        {
          id: 'ch',
          kind: 'prop_purchase',
          rate: '15',
          purchases: 'recurring',
          base: 'amount_paid',
          refundWindowDays: 14,
          onRefund: 'clawback',
        },
      ],
    },
  };
  for (const k of ['ig', 'fx', 'prop'] as const) {
    const t = JSON.stringify(terms[k]).replace(/'/g, "''");
    await sql
      .raw(`insert into contracts (id, partner_id, brand_id, version, segments, template_ids, tier, terms, rendered_text,
        rendered_sha256, effective_from, status, issued_at, accepted_at)
      select gen_random_uuid(), ${PARTNER('i')}, '${ids[k]}', 1, '{${terms[k].segments[0]}}', '{}', 'standard', '${t}'::jsonb, 'bench', 'x',
        '2024-01-01', 'accepted', now(), now() from generate_series(1, ${N_PARTNERS}) i`)
      .execute(db);
  }
  // IB trees 5 levels deep: partner i (i > 2000) was recruited by i − 2000
  await sql
    .raw(`insert into partner_brands (partner_id, brand_id, parent_partner_id, joined_at)
    select ${PARTNER('i')}, '${ids.fx}', case when i > 2000 then ${PARTNER('i - 2000')} end, now() from generate_series(1, ${N_PARTNERS}) i`)
    .execute(db);
  // customers: 1/30 of the iGaming days (30 days each), 1/20 of the trades (20 trades each), one per purchase
  const nIg = N_DAYS / 25;
  const nFx = N_TRADES / 20;
  const nProp = N_PURCHASES;
  const custSql = (brand: string, seg: string, from: number, n: number) =>
    `insert into customers (id, brand_id, external_id, public_id, owner_partner_id, owner_segment, attribution_source, registered_at)
     select ${CUSTOMER('i')}, '${brand}', 'e' || i, 'c' || i, ${PARTNER('1 + i % ' + N_PARTNERS)}, '${seg}', 'staff', '2024-12-01'
     from generate_series(${from}, ${from + n - 1}) i`;
  await sql.raw(custSql(ids.ig, 'affiliate', 1, nIg)).execute(db);
  await sql.raw(custSql(ids.fx, 'ib', 1 + nIg, nFx)).execute(db);
  await sql.raw(custSql(ids.prop, 'influencer', 1 + nIg + nFx, nProp)).execute(db);
  await sql
    .raw(`insert into igaming_days (brand_id, customer_id, day, currency, stakes, wins, bonuses, received_at)
    select '${ids.ig}', ${CUSTOMER('1 + (g / 25)')}, date '2025-01-01' + (g % 25), 'EUR', 10000 + (g % 997) * 13, 8000 + (g % 991) * 11, g % 300, now()
    from generate_series(0, ${N_DAYS - 1}) g`)
    .execute(db);
  await sql
    .raw(`insert into trades (brand_id, trade_id, customer_id, symbol, instrument_class, account_type, side, lots, opened_at, closed_at, currency, spread_per_lot, received_at)
    select '${ids.fx}', 'T' || g, ${CUSTOMER(`${1 + nIg} + (g / 20)`)}, 'EURUSD', 'fx', 'standard', case when g % 2 = 0 then 'buy' else 'sell' end,
      ((1 + g % 50) / 10.0)::numeric(18,4), timestamptz '2025-01-01' + (g % 2592000) * interval '1 second',
      timestamptz '2025-01-01' + (g % 2592000 + 600) * interval '1 second', 'EUR', 700, now()
    from generate_series(0, ${N_TRADES - 1}) g`)
    .execute(db);
  await sql
    .raw(`insert into prop_purchases (brand_id, purchase_id, customer_id, day, currency, amount_paid, list_price, purchase_kind, received_at)
    select '${ids.prop}', 'P' || g, ${CUSTOMER(`${1 + nIg + nFx} + g`)}, date '2025-01-01' + (g % 31), 'EUR', 50000, 50000, 'first', now()
    from generate_series(0, ${N_PURCHASES - 1}) g`)
    .execute(db);
  if (database.engine === 'postgres') await sql`analyze`.execute(db);
  log(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // ---- the close ----
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  const t1 = performance.now();
  let rows = 0;
  let lines = 0;
  let entries = 0;
  for (const code of Object.values(brands)) {
    const r = await closePeriod(services, {
      brand: code,
      period: '2025-01',
      actor: { type: 'cli', id: 'bench' },
    });
    rows += r.rows;
    lines += r.lines;
    entries += r.entries;
    log(`${code}: ${r.rows} rows, ${r.lines} lines, ${r.entries} entries`);
  }
  const seconds = (performance.now() - t1) / 1000;
  clearInterval(sampler);

  // ---- the I/O floor: read the same rows, write the same number of lines and entries ----
  const t2 = performance.now();
  let read = 0;
  for (const code of Object.values(brands)) {
    const b = await loadBrandByCodeOrThrow(db, code);
    for await (const batch of streamActivity(db, b, periodBounds('2025-01'), new Map())) read += batch.length;
  }
  await sql`create table floor_lines (like commission_lines)`.execute(db);
  await sql`create table floor_entries (like ledger_entries)`.execute(db);
  const lineRow = (i: number) =>
    [
      `00000000-0000-4000-b000-${i.toString(16).padStart(12, '0')}`,
      `key-${i}`,
      ids.ig,
      '00000000-0000-4000-a000-000000000009',
      '2025-01',
      '00000000-0000-4000-8000-000000000001',
      'affiliate',
      'partner',
      `c${i}`,
      'revshare',
      String(1000 + (i % 777)),
      'EUR',
      '\\N',
      'deal',
      '1',
      'rev',
      '\\N',
      '{"formula":"NGR 1000.00 × 30% = 300.00","inputs":{"ngr":"1000.00"}}',
      '\\N',
      '00000000-0000-4000-a000-000000000009',
      'pending',
      '\\N',
      '2025-02-02 00:00:00+00',
      '\\N',
      '\\N',
      '2025-02-02 00:00:00+00',
    ].join('\t');
  const entryRow = (i: number) =>
    [
      String(i + 1),
      '00000000-0000-4000-c000-000000000001',
      `e-${i}`,
      ids.ig,
      i % 2 ? '00000000-0000-4000-8000-000000000001' : '\\N',
      i % 2 ? 'partner_pending' : 'commission_expense',
      'EUR',
      String(i % 2 ? -1000 : 1000),
      '\\N',
      '\\N',
      'accrual',
      '2025-02-02',
      '2025-02-02 00:00:00+00',
    ].join('\t');
  if (database.engine === 'postgres') {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('begin');
    // the columns a close writes, in the rows' order (later migrations may add nullable columns after them)
    const lineColumns =
      'id, line_key, brand_id, period_id, source_period, partner_id, segment, payee, customer_id, kind, amount, currency, hold_until, deal_id, deal_version, component_id, derived_from, explanation, corrects_line_id, close_run_id, state, state_reason, state_changed_at, state_changed_by, payout_line_id, created_at';
    for (const [table, n, row] of [
      [`floor_lines (${lineColumns})`, lines, lineRow],
      ['floor_entries', entries, entryRow],
    ] as const) {
      const stream = client.query(copyFrom(`copy ${table} from stdin`));
      for (let i = 0; i < n; i++) if (!stream.write(`${row(i)}\n`)) await once(stream, 'drain');
      stream.end();
      await once(stream, 'finish');
    }
    await client.query('commit');
    await client.end();
  } else {
    const ins = async (table: string, n: number, row: (i: number) => string) => {
      for (let i = 0; i < n; i += 1000) {
        const vals = [];
        for (let j = i; j < Math.min(n, i + 1000); j++)
          vals.push(
            `(${row(j)
              .split('\t')
              .map((v) => (v === '\\N' ? 'null' : `'${v.replace(/'/g, "''")}'`))
              .join(',')})`,
          );
        await sql.raw(`insert into ${table} values ${vals.join(',')}`).execute(db);
      }
    };
    await db.transaction().execute(async () => undefined);
    await ins('floor_lines', lines, lineRow);
    await ins('floor_entries', entries, entryRow);
  }
  const ioFloor = (performance.now() - t2) / 1000;
  const balanced = await ledgerBalanced(db);
  await database.close();
  if (read !== rows) log(`warning: the floor read ${read} rows, the close ${rows}`);
  console.log(
    JSON.stringify({
      bench: 'close',
      db: database.engine,
      quick,
      rows,
      lines,
      entries,
      seconds: Number(seconds.toFixed(2)),
      io_floor_seconds: Number(ioFloor.toFixed(2)),
      ratio: Number((seconds / ioFloor).toFixed(2)),
      peak_rss_mb: Math.round(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 1048576),
      ledger_balanced: balanced,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
