import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { v7 as uuidv7 } from 'uuid';
import { newPublicCustomerId } from '../attribution/attribution-store.js';
import type { Database } from '../platform/db/schema.js';
import type { Services } from '../platform/services.js';
import { ACTIVITY_COLUMNS, type ActivityKind } from './activity-kinds.js';

interface MergeSpec {
  table: string;
  conflict: string;
  /** join condition of target `t` and source `src`. */
  match: string;
  /** join of `up` and `o` (old rows) on the key. */
  upMatch: string;
  /** target column ← source expression. */
  cols: Array<[string, string]>;
  /** what `up`/`old` return as the key. */
  keyOut: string;
  at: string;
  revenue: string;
}

const z = (c: string) => `coalesce(src.${c}, 0)`;

const SPECS: Record<ActivityKind, MergeSpec> = {
  'igaming-days': {
    table: 'igaming_days',
    conflict: 'brand_id, customer_id, day, currency',
    match: 't.customer_id = src.cust and t.day = src.date and t.currency = src.currency',
    upMatch: 'up.customer_id = o.customer_id and up.k = o.k and up.currency = o.currency',
    keyOut: 'day::text',
    cols: [
      ['day', 'src.date'],
      ['currency', 'src.currency'],
      ['stakes', 'src.stakes'],
      ['wins', 'src.wins'],
      ['bonuses', z('bonuses')],
      ['jackpot_contributions', z('jackpot_contributions')],
      ['gaming_tax', z('gaming_tax')],
      ['payment_fees', z('payment_fees')],
      ['chargebacks', z('chargebacks')],
      ['admin_fee', z('admin_fee')],
      ['deposits', z('deposits')],
      ['bets', z('bets')],
    ],
    at: 'day::timestamp',
    revenue:
      '(stakes - wins - bonuses - jackpot_contributions - gaming_tax - payment_fees - chargebacks - admin_fee)',
  },
  trades: {
    table: 'trades',
    conflict: 'brand_id, trade_id',
    match: 't.trade_id = src.trade_id',
    upMatch: 'up.k = o.k',
    keyOut: 'trade_id',
    cols: [
      ['trade_id', 'src.trade_id'],
      ['symbol', 'src.symbol'],
      ['instrument_class', 'src.instrument_class'],
      ['account_type', 'src.account_type'],
      ['side', 'src.side'],
      ['lots', 'src.lots'],
      ['opened_at', 'src.opened_at'],
      ['closed_at', 'src.closed_at'],
      ['currency', 'src.currency'],
      ['spread_per_lot', z('spread_per_lot')],
      ['markup_per_lot', z('markup_per_lot')],
      ['commission', z('commission')],
      ['equity', 'src.equity'],
      ['credit', 'src.credit'],
    ],
    at: 'closed_at',
    revenue: '(round(lots * (spread_per_lot + markup_per_lot))::int8 + commission)',
  },
  'prop-purchases': {
    table: 'prop_purchases',
    conflict: 'brand_id, purchase_id',
    match: 't.purchase_id = src.purchase_id',
    upMatch: 'up.k = o.k',
    keyOut: 'purchase_id',
    cols: [
      ['purchase_id', 'src.purchase_id'],
      ['day', 'src.date'],
      ['currency', 'src.currency'],
      ['amount_paid', 'src.amount_paid'],
      ['list_price', 'src.list_price'],
      ['purchase_kind', 'src.purchase_kind'],
      ['promo_code', 'upper(src.promo_code)'],
    ],
    at: 'day::timestamp',
    revenue: 'amount_paid',
  },
  'prop-refunds': {
    table: 'prop_refunds',
    conflict: 'brand_id, refund_id',
    match: 't.refund_id = src.refund_id',
    upMatch: 'up.k = o.k',
    keyOut: 'refund_id',
    cols: [
      ['refund_id', 'src.refund_id'],
      ['purchase_id', 'src.purchase_id'],
      ['day', 'src.date'],
      ['currency', 'src.currency'],
      ['amount', 'src.amount'],
      ['reason', 'src.reason'],
    ],
    at: 'day::timestamp',
    revenue: '(-amount)',
  },
  'funded-payouts': {
    table: 'funded_payouts',
    conflict: 'brand_id, payout_id',
    match: 't.payout_id = src.payout_id',
    upMatch: 'up.k = o.k',
    keyOut: 'payout_id',
    cols: [
      ['payout_id', 'src.payout_id'],
      ['day', 'src.date'],
      ['currency', 'src.currency'],
      ['amount', 'src.amount'],
    ],
    at: 'day::timestamp',
    revenue: '0',
  },
};

/** Positions (in the validated values) of the external key of each kind. */
const KEY_VALUES: Record<ActivityKind, number[]> = {
  'igaming-days': [0, 1, 2],
  trades: [0],
  'prop-purchases': [0],
  'prop-refunds': [0],
  'funded-payouts': [0],
};

/** Source-side key for de-duplicating rows of one file (the last row of a key wins). */
const SRC_KEY: Record<ActivityKind, string> = {
  'igaming-days': 's.customer_id, s.date, s.currency',
  trades: 's.trade_id',
  'prop-purchases': 's.purchase_id',
  'prop-refunds': 's.refund_id',
  'funded-payouts': 's.payout_id',
};

/** The primary-key order of each kind's target (ids byte-wise, as the target's `collate "C"` keys sort). */
const INSERT_ORDER: Record<ActivityKind, string> = {
  'igaming-days': 'src.cust, src.date, src.currency',
  trades: 'src.trade_id collate "C"',
  'prop-purchases': 'src.purchase_id collate "C"',
  'prop-refunds': 'src.refund_id collate "C"',
  'funded-payouts': 'src.payout_id collate "C"',
};

export interface MergeCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/**
 * The staged rows with their customer ids; when the chunk repeats a key (`dedup`), only the last row of
 * each key (the sort is skipped for the usual chunk of distinct keys). `ownedOnly`: only rows of customers
 * with an owner (the rows that move rollups), filtered before the join when no de-duplication is needed.
 */
function srcSql(kind: ActivityKind, stg: string, dedup: boolean, ownedOnly = false): string {
  if (dedup) {
    const all = `select distinct on (${SRC_KEY[kind]}) s.*, c.id as cust, c.owner_partner_id
      from ${stg} s join customers c on c.brand_id = $1 and c.external_id = s.customer_id
      order by ${SRC_KEY[kind]}, s.line desc`;
    return ownedOnly ? `select * from (${all}) d where d.owner_partner_id is not null` : all;
  }
  return `select s.*, c.id as cust
      from ${stg} s join customers c on c.brand_id = $1 and c.external_id = s.customer_id${ownedOnly ? ' and c.owner_partner_id is not null' : ''}`;
}

/** Rollup deltas (revenue) of `contrib` rows (customer_id, at, currency, revenue) of owned customers. */
function rollupSql(kind: ActivityKind): string {
  const s = SPECS[kind];
  return `
    agg as (
      select date_trunc('hour', x.at) as hour, (x.at)::date as d0,
        (x.at at time zone b.timezone)::date as dz, c.owner_partner_id as partner_id, c.owner_segment as segment,
        c.owner_link_id as link_id, coalesce(c.owner_sub_id, '') as sub_id, x.currency, x.revenue
      from contrib x join customers c on c.id = x.customer_id and c.owner_partner_id is not null
      join brands b on b.id = $1
    ),
    h as (
      insert into rollups_hourly as r (hour, brand_id, partner_id, segment, link_id, sub_id, currency, revenue)
      select hour, $1, partner_id, segment, link_id, sub_id, currency, sum(revenue)
      from agg group by 1, 3, 4, 5, 6, 7 order by 1, 3, 4, 5, 6, 7
      on conflict on constraint rollups_hour_key do update set revenue = r.revenue + excluded.revenue
      returning 1
    ),
    d as (
      insert into rollups_daily as r (day, brand_id, partner_id, segment, link_id, sub_id, currency, revenue)
      select ${s.at === 'day::timestamp' ? 'd0' : 'dz'}, $1, partner_id, segment, link_id, sub_id, currency, sum(revenue)
      from agg group by 1, 3, 4, 5, 6, 7 order by 1, 3, 4, 5, 6, 7
      on conflict on constraint rollups_day_key do update set revenue = r.revenue + excluded.revenue
      returning 1
    )`;
}

/**
 * The fast path of a chunk: a plain INSERT of its rows (no probe of the stored keys, no ON CONFLICT
 * speculation, no read of old rows, no RETURNING), in key order so the primary key grows page by page.
 * A stored key makes it fail on the primary key (unique violation): the caller then rolls back to a
 * savepoint and runs `mergeSql`. Merges of one brand and kind hold an advisory lock. When it inserted every
 * row of the chunk, `newRevenueSql` rolls their revenue up.
 */
function insertNewSql(kind: ActivityKind, stg: string, dedup: boolean): string {
  const s = SPECS[kind];
  const cols = s.cols.map(([c]) => c);
  return `
    insert into ${s.table} (brand_id, customer_id, ${cols.join(', ')}, version, received_at)
    select $1, src.cust, ${s.cols.map(([, e]) => e).join(', ')}, 1, $2 from (${srcSql(kind, stg, dedup)}) src
    order by ${INSERT_ORDER[kind]}`;
}

/** The revenue of a chunk of rows that were all new, rolled up for the customers with an owner. */
function newRevenueSql(kind: ActivityKind, stg: string, dedup: boolean): string {
  const s = SPECS[kind];
  return `
    with src as (${srcSql(kind, stg, dedup, true)}),
    nw as (select src.cust as customer_id, ${s.cols.map(([c, e]) => `${e} as ${c}`).join(', ')} from src),
    contrib as (select customer_id, ${s.at} as at, currency, ${s.revenue} as revenue from nw),
    ${rollupSql(kind)}
    select 1`;
}

function mergeSql(kind: ActivityKind, stg: string, dedup: boolean): string {
  const s = SPECS[kind];
  const cols = s.cols.map(([c]) => c);
  return `
    with src as (${srcSql(kind, stg, dedup)}),
    old as (
      select customer_id, ${s.keyOut.replace('::text', '')}::text as k, currency, ${s.at} as at, ${s.revenue} as revenue
      from (select t.* from ${s.table} t join src on t.brand_id = $1 and ${s.match}) t
    ),
    up as (
      insert into ${s.table} as t (brand_id, customer_id, ${cols.join(', ')}, version, received_at)
      select $1, src.cust, ${s.cols.map(([, e]) => e).join(', ')}, 1, $2 from src
      on conflict (${s.conflict}) do update set
        customer_id = excluded.customer_id, ${cols.map((c) => `${c} = excluded.${c}`).join(', ')},
        version = t.version + 1, received_at = excluded.received_at
      where (t.customer_id, ${cols.map((c) => `t.${c}`).join(', ')}) is distinct from
        (excluded.customer_id, ${cols.map((c) => `excluded.${c}`).join(', ')})
      returning (xmax = 0) as inserted, customer_id, ${s.keyOut} as k, currency, ${s.at} as at, ${s.revenue} as revenue
    ),
    contrib as (
      select customer_id, at, currency, revenue from up
      union all
      select o.customer_id, o.at, o.currency, -o.revenue from old o join up on not up.inserted and ${s.upMatch}
    ),
    ${rollupSql(kind)}
    select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated,
      (select count(*) from src)::int as total
    from up`;
}

function copyText(v: string | null): string {
  if (v === null) return '\\N';
  return /[\\\t\n\r]/.test(v)
    ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : v;
}

/**
 * Loads validated activity rows through unlogged staging tables, chunk by chunk: COPY on PostgreSQL,
 * array INSERTs on PGlite. While chunk k is merged (idempotent upsert on the external ids, rollups
 * updated by the revenue delta), chunk k+1 is parsed and copied. Unknown customers are created unowned.
 */
export class ActivityLoader {
  readonly counts: MergeCounts = { inserted: 0, updated: 0, unchanged: 0 };
  private chunk: Array<(string | null)[]> = [];
  private line = 0;
  private merging: Promise<void> = Promise.resolve();
  private copy: { client: pg.Client; stream: NodeJS.WritableStream; table: string; rows: number } | undefined;
  private readonly cols: string[];
  private readonly tables: string[] = [];

  constructor(
    private readonly s: Pick<Services, 'db' | 'config' | 'database' | 'clock'>,
    private readonly brandId: string,
    private readonly kind: ActivityKind,
    private readonly chunkRows = 200_000,
  ) {
    this.cols = ACTIVITY_COLUMNS[kind].map((c) => c.name);
    // validated money, dates, times, enums and currencies never hold a tab, newline or backslash
    this.escape = ACTIVITY_COLUMNS[kind].map((c) => c.type === 'id' || c.type === 'text');
    this.keyCols = KEY_VALUES[kind];
  }

  private readonly escape: boolean[];
  private readonly keyCols: number[];
  /** Keys of the chunk being staged, and whether one repeated (then the merge de-duplicates). */
  private keys = new Set<string>();
  private dup = false;

  private noteKey(values: readonly (string | null)[]): void {
    const k = this.keyCols;
    const key = k.length === 1 ? values[k[0]!]! : k.map((i) => values[i]).join('\u0000');
    if (this.keys.has(key)) this.dup = true;
    else this.keys.add(key);
  }

  private async newTable(): Promise<string> {
    const name = `stg_activity_${randomBytes(6).toString('hex')}`;
    const defs = ACTIVITY_COLUMNS[this.kind].map((c) => `${c.name} ${c.sql}`).join(', ');
    await sql.raw(`create unlogged table ${name} (line int8 not null, ${defs})`).execute(this.s.db);
    this.tables.push(name);
    return name;
  }

  private pendingText: string[] = [];

  /**
   * Adds one validated row (values in column order). Returns a promise only when it had to wait (a full
   * COPY buffer or a chunk boundary), so the hot loop stays synchronous.
   */
  add(values: (string | null)[]): undefined | Promise<void> {
    this.line++;
    this.noteKey(values);
    if (this.s.database.engine === 'postgres' && this.s.config.databaseUrl) {
      let text = String(this.line);
      const esc = this.escape;
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        text += v === null ? '\t\\N' : esc[i] ? `\t${copyText(v)}` : `\t${v}`;
      }
      this.pendingText.push(text);
      if (this.pendingText.length >= 2000 || this.line % this.chunkRows === 0) return this.writeCopy();
      return undefined;
    }
    this.chunk.push([String(this.line), ...values]);
    if (this.chunk.length >= Math.min(this.chunkRows, 20_000)) return this.endChunk();
    return undefined;
  }

  private async writeCopy(): Promise<void> {
    if (!this.copy) {
      const table = await this.newTable();
      const client = new pg.Client({ connectionString: this.s.config.databaseUrl });
      await client.connect();
      const stream = client.query(copyFrom(`COPY ${table} (line, ${this.cols.join(', ')}) FROM STDIN`));
      this.copy = { client, stream, table, rows: 0 };
    }
    const c = this.copy;
    const n = this.pendingText.length;
    if (n > 0) {
      const block = `${this.pendingText.join('\n')}\n`;
      this.pendingText = [];
      c.rows += n;
      if (!c.stream.write(block)) await once(c.stream, 'drain');
    }
    if (c.rows >= this.chunkRows) await this.endChunk();
  }

  private async endChunk(): Promise<void> {
    let table: string;
    if (this.pendingText.length > 0) {
      await this.writeCopy();
      if (!this.copy) return;
    }
    if (this.copy) {
      const c = this.copy;
      this.copy = undefined;
      const done = once(c.stream, 'finish');
      c.stream.end();
      await done;
      await c.client.end();
      table = c.table;
    } else {
      if (this.chunk.length === 0) return;
      const rows = this.chunk;
      this.chunk = [];
      table = await this.newTable();
      const colSql = ACTIVITY_COLUMNS[this.kind];
      const arrays = [rows.map((r) => r[0]!), ...colSql.map((_c, i) => rows.map((r) => r[i + 1] ?? null))];
      const casts = ['int8', ...colSql.map((c) => c.sql)];
      await sql`insert into ${sql.table(table)} (line, ${sql.raw(this.cols.join(', '))})
        select * from unnest(${sql.join(arrays.map((a, i) => sql`${a}::${sql.raw(casts[i]!)}[]`))})`.execute(
        this.s.db,
      );
    }
    const dedup = this.dup;
    const distinct = this.keys.size;
    this.keys = new Set();
    this.dup = false;
    const prev = this.merging;
    this.merging = prev.then(() => this.merge(table, dedup, distinct));
    // surface a failed merge at the next chunk instead of at the end
    if (this.copy === undefined && this.s.database.engine === 'pglite') await this.merging;
  }

  private async merge(table: string, dedup: boolean, distinct: number): Promise<void> {
    const db = this.s.db as Kysely<Database>;
    // unknown customers and the merge commit together; on PostgreSQL with room for the de-duplicating sort
    // (a 200,000-row chunk otherwise sorts on disk). Merges of one brand and kind take turns (an advisory
    // lock): a chunk's plain INSERT meets only keys committed before it, and then takes the upsert.
    const r = await db.transaction().execute(async (trx) => {
      if (this.s.database.engine === 'postgres') await sql`set local work_mem = '64MB'`.execute(trx);
      // fresh statistics (row count, customer ids), or the planner takes the staging table for empty and
      // joins row by row; the other columns need none, and a small sample is enough
      await sql`set local default_statistics_target = 10`.execute(trx);
      await sql.raw(`analyze ${table} (customer_id)`).execute(trx);
      await sql`select pg_advisory_xact_lock(hashtext(${`consort.activity:${this.brandId}:${this.kind}`}))`.execute(
        trx,
      );
      const missing = await sql<{ customer_id: string }>`
        select s.customer_id from (select distinct customer_id from ${sql.table(table)}) s
        where not exists (select 1 from customers c where c.brand_id = ${this.brandId} and c.external_id = s.customer_id)`.execute(
        trx,
      );
      if (missing.rows.length > 0) {
        const now = this.s.clock().toISOString();
        const ext = missing.rows.map((r) => r.customer_id);
        await sql`insert into customers (id, brand_id, external_id, public_id, created_at, updated_at)
          select unnest(${ext.map(() => uuidv7())}::uuid[]), ${this.brandId}, unnest(${ext}::text[]),
            unnest(${ext.map(() => newPublicCustomerId())}::text[]), ${now}, ${now}
          on conflict (brand_id, external_id) do nothing`.execute(trx);
      }
      const bind = (text: string) =>
        text
          .replaceAll('$1', `'${this.brandId}'::uuid`)
          .replaceAll('$2', `'${this.s.clock().toISOString()}'::timestamptz`);
      // new keys first (the usual case: a file of new rows); the upsert only when some keys were stored
      await sql`savepoint fresh_rows`.execute(trx);
      let inserted = -1;
      try {
        const fresh = await sql.raw(bind(insertNewSql(this.kind, table, dedup))).execute(trx);
        inserted = Number(fresh.numAffectedRows ?? 0);
      } catch (err) {
        // a key already stored: the upsert below handles the chunk
        if ((err as { code?: unknown }).code !== '23505') throw err;
      }
      if (inserted === distinct) {
        await sql`release savepoint fresh_rows`.execute(trx);
        await sql.raw(bind(newRevenueSql(this.kind, table, dedup))).execute(trx);
        return { rows: [{ inserted, updated: 0, total: distinct }] };
      }
      await sql`rollback to savepoint fresh_rows`.execute(trx);
      return sql
        .raw<{ inserted: number; updated: number; total: number }>(bind(mergeSql(this.kind, table, dedup)))
        .execute(trx);
    });
    const row = r.rows[0] ?? { inserted: 0, updated: 0, total: 0 };
    this.counts.inserted += row.inserted;
    this.counts.updated += row.updated;
    this.counts.unchanged += row.total - row.inserted - row.updated;
    // dropped beside the next merge (on another connection), not before it; `finish` waits for it and
    // drops again whatever is left
    this.drops.push(
      sql
        .raw(`drop table if exists ${table}`)
        .execute(db)
        .then(
          () => undefined,
          () => undefined,
        ),
    );
  }

  private readonly drops: Promise<void>[] = [];

  /** Writes the last chunk and waits for every merge. */
  async finish(): Promise<MergeCounts> {
    try {
      await this.endChunk();
      await this.merging;
      return this.counts;
    } finally {
      await Promise.allSettled(this.drops);
      if (this.copy) await this.copy.client.end().catch(() => undefined);
      for (const t of this.tables)
        await sql
          .raw(`drop table if exists ${t}`)
          .execute(this.s.db)
          .catch(() => undefined);
    }
  }
}
