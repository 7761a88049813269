import { type Kysely, sql } from 'kysely';
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
        if (batch.length > 0) await writeClicks(this.db, batch);
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
 * One statement per batch: the clicks (from arrays, so 19 parameters whatever the batch size), the
 * unique-click markers (per link or code, visitor and brand-local day) and the rollups, hourly and daily.
 * Bot clicks are stored but not counted in the rollups. The batch is audited as one record (count, id range,
 * SHA-256 of its ids and links) in the same transaction: clicks are high-volume, so never one record per click.
 */
export async function writeClicks(db: Kysely<Database>, batch: readonly ClickRecord[]): Promise<void> {
  if (batch.length === 0) return;
  let firstId = batch[0]!.id;
  let lastId = firstId;
  for (const c of batch) {
    if (c.id < firstId) firstId = c.id;
    if (c.id > lastId) lastId = c.id;
  }
  const content = batch
    .map((c) => `${c.id},${c.linkId ?? ''},${c.promoCodeId ?? ''},${c.partnerId}`)
    .join('\n');
  const at = batch[batch.length - 1]!.clickedAt;
  await db.transaction().execute(async (trx) => {
    await insertClickBatch(trx, batch);
    await appendBatchAudit(
      trx,
      { type: 'system', id: 'click-buffer' },
      { action: 'clicks.recorded', entityType: 'click', count: batch.length, firstId, lastId, content },
      at,
    );
  });
}

/** An element of a PostgreSQL array literal: double-quoted, with `"` and `\` escaped; NULL for null. */
function element(v: string | null): string {
  if (v === null) return 'NULL';
  return NEEDS_ESCAPE.test(v) ? `"${v.replace(NEEDS_ESCAPE_ALL, '\\$&')}"` : `"${v}"`;
}
const NEEDS_ESCAPE = /["\\]/;
const NEEDS_ESCAPE_ALL = /["\\]/g;

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
    with ins as (
      insert into clicks (id, clicked_at, link_id, promo_code_id, partner_id, segment, brand_id, ip_hash, visitor_id,
        user_agent, referer, country, sub1, sub2, sub3, sub4, sub5, is_bot)
      select k.id, timestamptz 'epoch' + k.ms * interval '1 millisecond', k.link_id, k.promo_code_id, k.partner_id,
        k.segment, k.brand_id, k.ip_hash, k.visitor_id, k.user_agent, k.referer, k.country, k.sub1, k.sub2, k.sub3,
        k.sub4, k.sub5, k.is_bot
      from unnest(${id}::uuid[], ${at}::int8[], ${link}::uuid[], ${code}::uuid[], ${partner}::uuid[],
        ${segment}::text[], ${brand}::uuid[], ${ipHash}::text[], ${visitor}::text[], ${ua}::text[], ${referer}::text[],
        ${country}::text[], ${s1}::text[], ${s2}::text[], ${s3}::text[], ${s4}::text[], ${s5}::text[], ${bot}::boolean[])
        as k (id, ms, link_id, promo_code_id, partner_id, segment, brand_id, ip_hash, visitor_id, user_agent, referer,
          country, sub1, sub2, sub3, sub4, sub5, is_bot)
      returning id, clicked_at, link_id, promo_code_id, partner_id, segment, brand_id, visitor_id, sub1, is_bot
    ),
    src as (
      select ins.*, b.currency, (ins.clicked_at at time zone b.timezone)::date as day,
        date_trunc('hour', ins.clicked_at) as hour, coalesce(ins.link_id, ins.promo_code_id) as asset_id,
        coalesce(ins.sub1, '') as sub_id,
        row_number() over (partition by (ins.clicked_at at time zone b.timezone)::date,
          coalesce(ins.link_id, ins.promo_code_id), ins.visitor_id order by ins.clicked_at, ins.id) as nth
      from ins join brands b on b.id = ins.brand_id
      where not ins.is_bot
    ),
    uniq as (
      insert into click_uniques (day, link_id, visitor_id)
      select day, asset_id, visitor_id from src where nth = 1
      on conflict do nothing
      returning day, link_id, visitor_id
    ),
    counted as (
      select src.*, (u.visitor_id is not null)::int as is_unique
      from src left join uniq u on src.nth = 1 and u.day = src.day and u.link_id = src.asset_id and u.visitor_id = src.visitor_id
    ),
    hourly as (
      insert into rollups_hourly as r (hour, brand_id, partner_id, segment, link_id, sub_id, currency, clicks, unique_clicks)
      select hour, brand_id, partner_id, segment, link_id, sub_id, currency, count(*), sum(is_unique)
      from counted group by 1, 2, 3, 4, 5, 6, 7 order by 1, 2, 3, 4, 5, 6, 7
      on conflict on constraint rollups_hour_key do update
        set clicks = r.clicks + excluded.clicks, unique_clicks = r.unique_clicks + excluded.unique_clicks
      returning 1
    )
    insert into rollups_daily as r (day, brand_id, partner_id, segment, link_id, sub_id, currency, clicks, unique_clicks)
    select day, brand_id, partner_id, segment, link_id, sub_id, currency, count(*), sum(is_unique)
    from counted group by 1, 2, 3, 4, 5, 6, 7 order by 1, 2, 3, 4, 5, 6, 7
    on conflict on constraint rollups_day_key do update
      set clicks = r.clicks + excluded.clicks, unique_clicks = r.unique_clicks + excluded.unique_clicks
  `.execute(db);
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
