import { once } from 'node:events';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { appendBatchAudit } from '../audit/audit-store.js';
import type { Database, Segment } from '../platform/db/schema.js';
import type { Logger } from '../platform/logging.js';

export interface ClickRecord {
  id: string;
  clickedAt: Date;
  linkId: string | null;
  promoCodeId: string | null;
  partnerId: string;
  segment: Segment;
  brandId: string;
  ipHash: string;
  visitorId: string;
  userAgent: string | null;
  referer: string | null;
  country: string | null;
  subs: [string | null, string | null, string | null, string | null, string | null];
  isBot: boolean;
}

export interface ClickBufferOptions {
  /** Clicks held before `push` makes callers wait (back-pressure). */
  max: number;
  /** Longest wait before a click is written. */
  flushMs: number;
  /** Rows per INSERT. */
  batchSize?: number;
}

const MISS_LIMIT = 10_000;

/**
 * The redirect's write-behind buffer. Clicks are written in batches (one statement: clicks, unique-click
 * markers and the hourly/daily rollups) at least every `flushMs` and when a batch is full. When `max`
 * clicks are waiting, `push` returns a promise that resolves once the writer has made room: the redirect
 * slows down instead of dropping clicks. A failed write keeps the clicks and retries.
 */
export class ClickBuffer {
  private queue: ClickRecord[] = [];
  private misses = new Map<string, number>();
  private waiters: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private closed = false;
  private failures = 0;
  readonly stats = { accepted: 0, written: 0, batches: 0, waits: 0, failures: 0 };

  constructor(
    private readonly db: Kysely<Database>,
    private readonly logger: Logger,
    private readonly opts: ClickBufferOptions,
    /** PostgreSQL: lends a pool connection, so batches are written with COPY. */
    private readonly connect?: () => Promise<pg.PoolClient>,
  ) {
    this.timer = setInterval(() => void this.tick(), opts.flushMs);
    this.timer.unref();
  }

  get size(): number {
    return this.queue.length;
  }

  /** Adds a click; when the buffer is full, resolves only once there is room again. */
  push(click: ClickRecord): undefined | Promise<void> {
    if (this.closed) throw new Error('click buffer is closed');
    this.queue.push(click);
    this.stats.accepted++;
    if (this.queue.length >= (this.opts.batchSize ?? 5000) && !this.flushing) void this.tick();
    if (this.queue.length < this.opts.max) return undefined;
    this.stats.waits++;
    void this.tick();
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Counts a redirect that found no active link (unknown code, paused link, inactive partner). */
  countMiss(at: Date, code: string, reason: 'unknown' | 'paused' | 'partner_inactive'): void {
    const hour = new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000).toISOString();
    const k = `${hour}|${reason}|${code.slice(0, 64)}`;
    if (this.misses.size >= MISS_LIMIT && !this.misses.has(k)) {
      const overflow = `${hour}|${reason}|*`;
      this.misses.set(overflow, (this.misses.get(overflow) ?? 0) + 1);
      return;
    }
    this.misses.set(k, (this.misses.get(k) ?? 0) + 1);
  }

  /** One write cycle (the timer's): a batch, more only while full batches or blocked callers wait. */
  private tick(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.queue.length === 0 && this.misses.size === 0) return Promise.resolve();
    this.flushing = this.drain().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /** Writes everything waiting now, batch after batch (tests, benchmarks, shutdown). */
  async flush(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      if (this.flushing) await this.flushing;
      else if (this.queue.length > 0 || this.misses.size > 0) {
        const before = this.stats.failures;
        await this.tick();
        if (this.stats.failures > before) return;
      } else return;
    }
  }

  private async drain(): Promise<void> {
    const batchSize = this.opts.batchSize ?? 5000;
    // one batch per tick; more only while full batches or blocked callers wait (or at shutdown): few, large INSERTs
    let first = true;
    while (
      (first && (this.queue.length > 0 || this.misses.size > 0)) ||
      this.queue.length >= batchSize ||
      (this.waiters.length > 0 && this.queue.length > 0) ||
      (this.closed && this.queue.length > 0)
    ) {
      first = false;
      const batch = this.queue.slice(0, batchSize);
      const misses = this.misses;
      this.misses = new Map();
      try {
        if (batch.length > 0) await writeClicks(this.db, batch, this.connect);
        if (misses.size > 0) await writeMisses(this.db, misses);
      } catch (err) {
        // keep the clicks (and the miss counts) and try again on the next tick
        for (const [k, n] of misses) this.misses.set(k, (this.misses.get(k) ?? 0) + n);
        this.stats.failures++;
        this.failures++;
        this.logger.error({ err, clicks: batch.length }, 'writing clicks failed; will retry');
        if (this.closed && this.failures > 5) throw err;
        return;
      }
      this.failures = 0;
      this.queue.splice(0, batch.length);
      this.stats.written += batch.length;
      this.stats.batches++;
      this.release();
    }
  }

  private release(): void {
    while (this.waiters.length > 0 && this.queue.length < this.opts.max) this.waiters.shift()!();
  }

  /** Stops the timer and writes every click still waiting (app shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (let i = 0; i < 10 && (this.queue.length > 0 || this.misses.size > 0 || this.flushing); i++)
      await this.flush();
    if (this.queue.length > 0)
      throw new Error(`${this.queue.length} clicks could not be written at shutdown`);
    this.release();
  }
}

/**
 * Writes one batch in one transaction: the clicks (COPY on PostgreSQL, one INSERT from arrays on PGlite), then
 * one statement for the unique-click markers (per link or code, visitor and brand-local day) and the hourly and
 * daily rollups, from aggregates made here (per minute, brand, partner segment, link and sub-id: a handful of
 * rows per batch instead of one per click), then the batch's audit record (count, id range, SHA-256 of its ids
 * and links): clicks are high-volume, so never one record per click. Bot clicks are stored but not counted in
 * the rollups. `connect` (PostgreSQL) lends a pool connection for the COPY.
 */
export async function writeClicks(
  db: Kysely<Database>,
  batch: readonly ClickRecord[],
  connect?: () => Promise<pg.PoolClient>,
): Promise<void> {
  if (batch.length === 0) return;
  let firstId = batch[0]!.id;
  let lastId = firstId;
  let content = '';
  for (let i = 0; i < batch.length; i++) {
    const c = batch[i]!;
    if (c.id < firstId) firstId = c.id;
    if (c.id > lastId) lastId = c.id;
    content += `${i > 0 ? '\n' : ''}${c.id},${c.linkId ?? ''},${c.promoCodeId ?? ''},${c.partnerId}`;
  }
  const at = batch[batch.length - 1]!.clickedAt;
  const rollups = rollupStatement(batch);
  const rest = async (trx: Kysely<Database>) => {
    if (rollups) await rollups.execute(trx);
    await appendBatchAudit(
      trx,
      { type: 'system', id: 'click-buffer' },
      { action: 'clicks.recorded', entityType: 'click', count: batch.length, firstId, lastId, content },
      at,
    );
  };
  if (!connect) {
    await db.transaction().execute(async (trx) => {
      await insertClickBatch(trx, batch);
      await rest(trx);
    });
    return;
  }
  const client = await connect();
  try {
    await onClient(client)
      .transaction()
      .execute(async (trx) => {
        const stream = client.query(copyFrom(COPY_CLICKS));
        const done = once(stream, 'finish');
        stream.end(copyLines(batch));
        await done;
        await rest(trx);
      });
  } catch (err) {
    // a connection that failed mid-COPY is not given back to the pool
    client.release(err as Error);
    throw err;
  }
  client.release();
}

/** A Kysely instance whose only connection is `client` (the transaction that also runs the COPY). */
function onClient(client: pg.PoolClient): Kysely<Database> {
  const lent = { query: client.query.bind(client), release() {} };
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool: { connect: async () => lent, end: async () => {} } as never }),
  });
}

const COPY_CLICKS = `copy clicks (id, clicked_at, link_id, promo_code_id, partner_id, segment, brand_id, ip_hash,
  visitor_id, user_agent, referer, country, sub1, sub2, sub3, sub4, sub5, is_bot) from stdin`;

/** A text field of COPY's text format: backslash, tab, newline and carriage return escaped; NUL dropped. */
function copyField(v: string | null): string {
  if (v === null) return '\\N';
  return COPY_ESCAPE.test(v)
    ? v
        .replace(NUL_ALL, '')
        .replace(/\\/g, '\\\\')
        .replace(/\t/g, '\\t')
        .replace(/\n/g, '\\n')
        .replace(/\r/g, '\\r')
    : v;
}
const COPY_ESCAPE = /[\\\t\n\r\0]/;
const NUL_ALL = /\0/g;

/** The batch as COPY text lines (ids, uuids, segments and times need no escaping). */
function copyLines(batch: readonly ClickRecord[]): string {
  let out = '';
  for (const c of batch) {
    out += `${c.id}\t${c.clickedAt.toISOString()}\t${c.linkId ?? '\\N'}\t${c.promoCodeId ?? '\\N'}\t${c.partnerId}\t${c.segment}\t${c.brandId}\t${copyField(c.ipHash)}\t${copyField(c.visitorId)}\t${copyField(c.userAgent)}\t${copyField(c.referer)}\t${copyField(c.country)}\t${copyField(c.subs[0])}\t${copyField(c.subs[1])}\t${copyField(c.subs[2])}\t${copyField(c.subs[3])}\t${copyField(c.subs[4])}\t${c.isBot ? 't' : 'f'}\n`;
  }
  return out;
}

/** An element of a PostgreSQL array literal: double-quoted, with `"` and `\` escaped, NUL dropped; NULL for null. */
function element(v: string | null): string {
  if (v === null) return 'NULL';
  return NEEDS_ESCAPE.test(v) ? `"${v.replace(NUL_ALL, '').replace(NEEDS_ESCAPE_ALL, '\\$&')}"` : `"${v}"`;
}
const NEEDS_ESCAPE = /["\\\0]/;
const NEEDS_ESCAPE_ALL = /["\\]/g;

/** A PostgreSQL array literal of values that need no quoting (numbers, uuids, NULL). */
const plain = (values: readonly (string | number)[]) => `{${values.join(',')}}`;
const quoted = (values: readonly (string | null)[]) => `{${values.map(element).join(',')}}`;

const SLOT_MS = 60_000;

/**
 * The unique-click markers and rollup rows of a batch, aggregated here. Rollup groups are per minute (every
 * time zone's offset is whole minutes, so a group's minute gives both its UTC hour and its brand-local day),
 * brand, partner, segment, link and sub-id. A marker is the first click of a (minute, link or code, visitor);
 * the statement keeps the first per brand-local day and counts it as unique in its click's group when the
 * (day, link, visitor) is new. Undefined when the batch holds only bots.
 */
function rollupStatement(batch: readonly ClickRecord[]) {
  // group lookups by (minute, link or code, sub-id) in nested maps: the id strings come from the link cache,
  // so each hashes once; a code's clicks (no link) share their group with the partner's other codes
  const bySlot = new Map<number, Map<string, Map<string, number>>>();
  const codeGroups = new Map<string, number>();
  const gMs: number[] = [];
  const gBrand: string[] = [];
  const gPartner: string[] = [];
  const gSegment: string[] = [];
  const gLink: string[] = [];
  const gSub: (string | null)[] = [];
  const gClicks: number[] = [];
  const seen = new Map<number, Map<string, Set<string>>>();
  const mGroup: number[] = [];
  const mMs: number[] = [];
  const mAsset: string[] = [];
  const mVisitor: string[] = [];
  const mBrand: string[] = [];
  for (const c of batch) {
    if (c.isBot) continue;
    const ms = c.clickedAt.getTime();
    const slot = ms - (((ms % SLOT_MS) + SLOT_MS) % SLOT_MS);
    const sub = c.subs[0] ?? '';
    const asset = (c.linkId ?? c.promoCodeId)!;
    let byAsset = bySlot.get(slot);
    if (!byAsset) {
      byAsset = new Map();
      bySlot.set(slot, byAsset);
    }
    let bySub = byAsset.get(asset);
    if (!bySub) {
      bySub = new Map();
      byAsset.set(asset, bySub);
    }
    let g = bySub.get(sub);
    if (
      g === undefined ||
      gBrand[g] !== c.brandId ||
      gPartner[g] !== c.partnerId ||
      gSegment[g] !== c.segment ||
      gLink[g] !== (c.linkId ?? 'NULL')
    ) {
      const key = `${slot}|${c.brandId}|${c.partnerId}|${c.segment}|${c.linkId ?? ''}|${sub}`;
      g = codeGroups.get(key);
      if (g === undefined) {
        g = gMs.length;
        codeGroups.set(key, g);
        gMs.push(slot);
        gBrand.push(c.brandId);
        gPartner.push(c.partnerId);
        gSegment.push(c.segment);
        gLink.push(c.linkId ?? 'NULL');
        gSub.push(sub);
        gClicks.push(0);
      }
      bySub.set(sub, g);
    }
    gClicks[g]!++;
    let visitorsByAsset = seen.get(slot);
    if (!visitorsByAsset) {
      visitorsByAsset = new Map();
      seen.set(slot, visitorsByAsset);
    }
    let visitors = visitorsByAsset.get(asset);
    if (!visitors) {
      visitors = new Set();
      visitorsByAsset.set(asset, visitors);
    }
    if (visitors.has(c.visitorId)) continue;
    visitors.add(c.visitorId);
    mGroup.push(g);
    mMs.push(ms);
    mAsset.push(asset);
    mVisitor.push(c.visitorId);
    mBrand.push(c.brandId);
  }
  if (gMs.length === 0) return undefined;
  return sql`
    with g as (
      select g.i, timestamptz 'epoch' + g.ms * interval '1 millisecond' as at, g.brand_id, g.partner_id, g.segment,
        g.link_id, g.sub_id, g.clicks, b.currency, b.timezone
      from unnest(${plain(gMs.map((_v, i) => i))}::int4[], ${plain(gMs)}::int8[], ${plain(gBrand)}::uuid[],
        ${plain(gPartner)}::uuid[], ${quoted(gSegment)}::text[], ${plain(gLink)}::uuid[], ${quoted(gSub)}::text[],
        ${plain(gClicks)}::int8[]) as g (i, ms, brand_id, partner_id, segment, link_id, sub_id, clicks)
      join brands b on b.id = g.brand_id
    ),
    m as (
      select distinct on (day, asset, visitor) day, asset, visitor, gi
      from (
        select ((timestamptz 'epoch' + m.ms * interval '1 millisecond') at time zone b.timezone)::date as day,
          m.asset, m.visitor, m.gi, m.ms
        from unnest(${plain(mGroup)}::int4[], ${plain(mMs)}::int8[], ${plain(mAsset)}::uuid[],
          ${quoted(mVisitor)}::text[], ${plain(mBrand)}::uuid[]) as m (gi, ms, asset, visitor, brand_id)
        join brands b on b.id = m.brand_id
      ) x
      order by day, asset, visitor, ms
    ),
    uniq as (
      insert into click_uniques (day, link_id, visitor_id)
      select day, asset, visitor from m
      on conflict do nothing
      returning day, link_id, visitor_id
    ),
    u as (
      select m.gi, count(*) as n
      from m join uniq on uniq.day = m.day and uniq.link_id = m.asset and uniq.visitor_id = m.visitor
      group by m.gi
    ),
    counted as (select g.*, coalesce(u.n, 0) as uniques from g left join u on u.gi = g.i),
    hourly as (
      insert into rollups_hourly as r (hour, brand_id, partner_id, segment, link_id, sub_id, currency, clicks, unique_clicks)
      select date_trunc('hour', at), brand_id, partner_id, segment, link_id, sub_id, currency, sum(clicks)::int8,
        sum(uniques)::int8
      from counted group by 1, 2, 3, 4, 5, 6, 7 order by 1, 2, 3, 4, 5, 6, 7
      on conflict on constraint rollups_hour_key do update
        set clicks = r.clicks + excluded.clicks, unique_clicks = r.unique_clicks + excluded.unique_clicks
      returning 1
    )
    insert into rollups_daily as r (day, brand_id, partner_id, segment, link_id, sub_id, currency, clicks, unique_clicks)
    select (at at time zone timezone)::date, brand_id, partner_id, segment, link_id, sub_id, currency, sum(clicks)::int8,
      sum(uniques)::int8
    from counted group by 1, 2, 3, 4, 5, 6, 7 order by 1, 2, 3, 4, 5, 6, 7
    on conflict on constraint rollups_day_key do update
      set clicks = r.clicks + excluded.clicks, unique_clicks = r.unique_clicks + excluded.unique_clicks`;
}

/**
 * The batch as 18 array literals, built in one pass (ids and uuids need no quoting, times as epoch
 * milliseconds): far cheaper than letting the driver serialise 18 arrays of values element by element.
 */
function clickColumns(batch: readonly ClickRecord[]): string[] {
  const cols: string[][] = Array.from({ length: 18 }, () => new Array<string>(batch.length));
  for (let i = 0; i < batch.length; i++) {
    const c = batch[i]!;
    cols[0]![i] = c.id;
    cols[1]![i] = String(c.clickedAt.getTime());
    cols[2]![i] = c.linkId ?? 'NULL';
    cols[3]![i] = c.promoCodeId ?? 'NULL';
    cols[4]![i] = c.partnerId;
    cols[5]![i] = c.segment;
    cols[6]![i] = c.brandId;
    cols[7]![i] = element(c.ipHash);
    cols[8]![i] = element(c.visitorId);
    cols[9]![i] = element(c.userAgent);
    cols[10]![i] = element(c.referer);
    cols[11]![i] = element(c.country);
    cols[12]![i] = element(c.subs[0]);
    cols[13]![i] = element(c.subs[1]);
    cols[14]![i] = element(c.subs[2]);
    cols[15]![i] = element(c.subs[3]);
    cols[16]![i] = element(c.subs[4]);
    cols[17]![i] = c.isBot ? 't' : 'f';
  }
  return cols.map((col) => `{${col.join(',')}}`);
}

/** The clicks of a batch in one INSERT from arrays (PGlite, which has no COPY from a client stream). */
async function insertClickBatch(db: Kysely<Database>, batch: readonly ClickRecord[]): Promise<void> {
  const [
    id,
    at,
    link,
    code,
    partner,
    segment,
    brand,
    ipHash,
    visitor,
    ua,
    referer,
    country,
    s1,
    s2,
    s3,
    s4,
    s5,
    bot,
  ] = clickColumns(batch);
  await sql`
    insert into clicks (id, clicked_at, link_id, promo_code_id, partner_id, segment, brand_id, ip_hash, visitor_id,
      user_agent, referer, country, sub1, sub2, sub3, sub4, sub5, is_bot)
    select k.id, timestamptz 'epoch' + k.ms * interval '1 millisecond', k.link_id, k.promo_code_id, k.partner_id,
      k.segment, k.brand_id, k.ip_hash, k.visitor_id, k.user_agent, k.referer, k.country, k.sub1, k.sub2, k.sub3,
      k.sub4, k.sub5, k.is_bot
    from unnest(${id}::uuid[], ${at}::int8[], ${link}::uuid[], ${code}::uuid[], ${partner}::uuid[],
      ${segment}::text[], ${brand}::uuid[], ${ipHash}::text[], ${visitor}::text[], ${ua}::text[], ${referer}::text[],
      ${country}::text[], ${s1}::text[], ${s2}::text[], ${s3}::text[], ${s4}::text[], ${s5}::text[], ${bot}::boolean[])
      as k (id, ms, link_id, promo_code_id, partner_id, segment, brand_id, ip_hash, visitor_id, user_agent, referer,
        country, sub1, sub2, sub3, sub4, sub5, is_bot)`.execute(db);
}

async function writeMisses(db: Kysely<Database>, misses: Map<string, number>): Promise<void> {
  const hours: string[] = [];
  const reasons: string[] = [];
  const codes: string[] = [];
  const counts: number[] = [];
  for (const [k, n] of misses) {
    const [hour, reason, ...rest] = k.split('|');
    hours.push(hour!);
    reasons.push(reason!);
    codes.push(rest.join('|'));
    counts.push(n);
  }
  await sql`
    insert into redirect_misses as m (hour, reason, code, count)
    select * from unnest(${hours}::timestamptz[], ${reasons}::text[], ${codes}::text[], ${counts}::int8[])
    on conflict (hour, code, reason) do update set count = m.count + excluded.count
  `.execute(db);
}
