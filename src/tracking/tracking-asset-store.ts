import { randomInt } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { type Actor, appendAudit } from '../audit/audit-store.js';
import type { Database, Segment } from '../platform/db/schema.js';
import { AppError } from '../platform/http/errors.js';
import { invalidateTrackingCode } from './link-cache.js';

type Db = Kysely<Database> | Transaction<Database>;

// No 0/O, 1/I/L: codes are read aloud and typed from videos.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A random human-friendly code, e.g. `K7MQ2P`, optionally after a readable prefix (`MAYA-K7MQ`). */
export function generateCode(length = 6, prefix = ''): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  const p = prefix
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .slice(0, 12);
  return p ? `${p}-${s}` : s;
}

/** True when a code is free across links and promo codes of every partner (case-insensitive). */
export async function isCodeFree(db: Db, code: string): Promise<boolean> {
  const taken = await sql<{ n: number }>`
    select 1 as n from tracking_links where lower(code) = lower(${code})
    union all
    select 1 from promo_codes where code = upper(${code})
    limit 1`.execute(db);
  return taken.rows.length === 0;
}

async function freeCode(db: Db, length: number, prefix: string): Promise<string> {
  for (let i = 0; i < 20; i++) {
    const code = generateCode(length, prefix);
    if (await isCodeFree(db, code)) return code;
  }
  throw new Error('could not find a free code after 20 tries');
}

export interface NewLink {
  partnerId: string;
  segment: Segment;
  brandId: string;
  kind?: 'default' | 'custom' | 'recruitment';
  name?: string;
  /** A code of the caller's choice; generated when absent. */
  code?: string;
  landingUrl?: string | null;
  subIds?: Record<string, string>;
}

/** Creates a tracking link (audited). A chosen code that is taken is a 409 naming the field. */
export async function createTrackingLink(
  trx: Transaction<Database>,
  actor: Actor,
  input: NewLink,
  now: Date,
) {
  let code = input.code;
  if (code) {
    if (!(await isCodeFree(trx, code))) {
      throw new AppError('CONFLICT', `The code ${code} is taken.`, {
        fields: [{ path: '/code', message: 'is taken', in: 'body' }],
      });
    }
  } else {
    code = (await freeCode(trx, 8, '')).toLowerCase();
  }
  const row = await trx
    .insertInto('tracking_links')
    .values({
      id: uuidv7(),
      code,
      partner_id: input.partnerId,
      segment: input.segment,
      brand_id: input.brandId,
      kind: input.kind ?? 'custom',
      name: input.name ?? '',
      landing_url: input.landingUrl ?? null,
      sub_ids: JSON.stringify(input.subIds ?? {}),
      status: 'active',
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendAudit(
    trx,
    actor,
    {
      action: 'tracking_link.created',
      entityType: 'tracking_link',
      entityId: row.id,
      after: {
        code: row.code,
        partnerId: row.partner_id,
        segment: row.segment,
        brandId: row.brand_id,
        kind: row.kind,
      },
    },
    now,
  );
  // a code looked up before it existed is cached as unknown: drop it in this process
  invalidateTrackingCode(row.code);
  return row;
}

export interface NewPromoCode {
  partnerId: string;
  segment: Segment;
  brandId: string;
  /** A code of the caller's choice (upper-cased); generated from `prefix` when absent. */
  code?: string;
  prefix?: string;
}

/** Creates a promo code, unique across all partners (audited). */
export async function createPromoCode(
  trx: Transaction<Database>,
  actor: Actor,
  input: NewPromoCode,
  now: Date,
) {
  let code = input.code?.toUpperCase();
  if (code) {
    if (!/^[A-Z0-9-]{3,32}$/.test(code)) {
      throw new AppError('VALIDATION_FAILED', undefined, {
        fields: [{ path: '/code', message: 'must be 3-32 letters, digits or dashes', in: 'body' }],
      });
    }
    if (!(await isCodeFree(trx, code))) {
      throw new AppError('CONFLICT', `The code ${code} is taken.`, {
        fields: [{ path: '/code', message: 'is taken', in: 'body' }],
      });
    }
  } else {
    code = await freeCode(trx, 4, input.prefix ?? '');
  }
  const row = await trx
    .insertInto('promo_codes')
    .values({
      id: uuidv7(),
      code,
      partner_id: input.partnerId,
      segment: input.segment,
      brand_id: input.brandId,
      status: 'active',
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendAudit(
    trx,
    actor,
    {
      action: 'promo_code.created',
      entityType: 'promo_code',
      entityId: row.id,
      after: { code: row.code, partnerId: row.partner_id, segment: row.segment, brandId: row.brand_id },
    },
    now,
  );
  invalidateTrackingCode(row.code);
  return row;
}
