import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { compileMacroUrl } from '../attribution/calculate-macros.js';
import type { Database, Segment } from '../platform/db/schema.js';

/** A code resolved for the redirect: a tracking link or a promo code, with what the redirect needs. */
export interface ResolvedCode {
  kind: 'link' | 'code';
  id: string;
  code: string;
  partnerId: string;
  segment: Segment;
  brandId: string;
  status: 'active' | 'paused';
  partnerStatus: string;
  landingTemplate: string;
  /** `landingTemplate` split once: fills the macros (URL-encoded) for one click. */
  landing: (values: Readonly<Record<string, string | null | undefined>>) => string;
  fallbackUrl: string;
  timezone: string;
  currency: string;
  subDefaults: Record<string, string>;
}

interface Entry {
  value: ResolvedCode | null;
  expiresAt: number;
}

const caches = new Set<LinkCache>();

/**
 * Codes resolved to links (or promo codes) per process. Changes made through Consort invalidate the
 * entries of every cache in the process at once; other processes see a change after the TTL
 * (`CONSORT_LINK_CACHE_TTL_SECONDS`, default 30 s).
 */
export class LinkCache {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<ResolvedCode | null>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    caches.add(this);
  }

  /** The resolved code, from memory when fresh; concurrent misses share one query. */
  get(code: string): ResolvedCode | null | Promise<ResolvedCode | null> {
    const k = code.toLowerCase();
    const e = this.entries.get(k);
    if (e && e.expiresAt > this.now()) return e.value;
    const inflight = this.pending.get(k);
    if (inflight) return inflight;
    const p = loadResolvedCode(this.db, code).then(
      (value) => {
        this.pending.delete(k);
        this.entries.set(k, { value, expiresAt: this.now() + this.ttlMs });
        if (this.entries.size > 100_000) this.entries.delete(this.entries.keys().next().value!);
        return value;
      },
      (err) => {
        this.pending.delete(k);
        throw err;
      },
    );
    this.pending.set(k, p);
    return p;
  }

  invalidate(pred: (code: string, value: ResolvedCode | null) => boolean): void {
    for (const [k, e] of this.entries) if (pred(k, e.value)) this.entries.delete(k);
  }

  close(): void {
    this.entries.clear();
    caches.delete(this);
  }
}

/** Drops a code from every cache of this process (after a link or code is created, paused or changed). */
export function invalidateTrackingCode(code: string): void {
  const k = code.toLowerCase();
  for (const c of caches) c.invalidate((key) => key === k);
}

/** Drops every code of a partner (call after a partner's status changes: only active partners redirect). */
export function invalidatePartnerTracking(partnerId: string): void {
  for (const c of caches) c.invalidate((_k, v) => v?.partnerId === partnerId);
}

/** Drops every code of a brand (after its landing template or fallback URL changes). */
export function invalidateBrandTracking(brandId: string): void {
  for (const c of caches) c.invalidate((_k, v) => v?.brandId === brandId);
}

/** Reads a code from the database: links first (case-insensitive), then promo codes (upper-case). */
export async function loadResolvedCode(db: Kysely<Database>, code: string): Promise<ResolvedCode | null> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(code)) return null;
  const r = await sql<{
    kind: 'link' | 'code';
    id: string;
    code: string;
    partner_id: string;
    segment: Segment;
    brand_id: string;
    status: 'active' | 'paused';
    partner_status: string;
    landing: string;
    fallback_url: string;
    timezone: string;
    currency: string;
    sub_ids: Record<string, string>;
  }>`
    select 'link' as kind, l.id, l.code, l.partner_id, l.segment, l.brand_id, l.status, p.status as partner_status,
      coalesce(l.landing_url, b.landing_url_template) as landing, b.fallback_url, b.timezone, b.currency, l.sub_ids
    from tracking_links l join partners p on p.id = l.partner_id join brands b on b.id = l.brand_id
    where lower(l.code) = lower(${code})
    union all
    select 'code', c.id, c.code, c.partner_id, c.segment, c.brand_id, c.status, p.status,
      b.landing_url_template, b.fallback_url, b.timezone, b.currency, '{}'::jsonb
    from promo_codes c join partners p on p.id = c.partner_id join brands b on b.id = c.brand_id
    where c.code = upper(${code})
    limit 1`.execute(db);
  const row = r.rows[0];
  if (!row) return null;
  return {
    kind: row.kind,
    id: row.id,
    code: row.code,
    partnerId: row.partner_id,
    segment: row.segment,
    brandId: row.brand_id,
    status: row.status,
    partnerStatus: row.partner_status,
    landingTemplate: row.landing,
    landing: compileMacroUrl(row.landing),
    fallbackUrl: row.fallback_url,
    timezone: row.timezone,
    currency: row.currency,
    subDefaults: typeof row.sub_ids === 'string' ? JSON.parse(row.sub_ids) : (row.sub_ids ?? {}),
  };
}
