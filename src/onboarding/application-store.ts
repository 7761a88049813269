import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Transaction } from 'kysely';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { type Actor, appendAudit } from '../audit/audit-store.js';
import { createUser } from '../auth/user-store.js';
import { joinBrand, recordPartnerEvent } from '../partners/partner-store.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db/schema.js';
import { AppError } from '../platform/http/errors.js';
import type { Logger } from '../platform/logging.js';
import { type CustomField, decideApplicationAnswers } from './decide-application-answers.js';
import { documentKeyFrom } from './document-storage.js';

/** A form must be open at least this long before it is submitted (bots post instantly). */
export const MIN_FILL_SECONDS = 3;
const MAX_FORM_AGE_MS = 24 * 3600 * 1000;

const formKeys = new WeakMap<Config, Buffer>();
function formKey(config: Config, logger: Logger): Buffer {
  let k = formKeys.get(config);
  if (!k) {
    k = createHmac('sha256', documentKeyFrom(config, logger)).update('application-form-token').digest();
    formKeys.set(config, k);
  }
  return k;
}

/** A signed token saying when the application form was served (for the minimum fill time). */
export function issueFormToken(config: Config, logger: Logger, now: Date): string {
  const t = String(now.getTime());
  return `${t}.${createHmac('sha256', formKey(config, logger)).update(t).digest('base64url')}`;
}

/** 400 unless the token is ours, at least MIN_FILL_SECONDS and at most a day old. */
export function checkFormToken(config: Config, logger: Logger, token: string, now: Date): void {
  const bad = (message: string) =>
    new AppError('VALIDATION_FAILED', `The application form ${message}.`, {
      fields: [{ path: '/formToken', message, in: 'body' }],
    });
  const [t, mac] = token.split('.');
  if (!t || !mac || !/^\d{1,15}$/.test(t)) throw bad('token is malformed: reload the form');
  const want = createHmac('sha256', formKey(config, logger)).update(t).digest();
  const got = Buffer.from(mac, 'base64url');
  if (got.length !== want.length || !timingSafeEqual(got, want))
    throw bad('token is invalid: reload the form');
  const age = now.getTime() - Number(t);
  if (age < MIN_FILL_SECONDS * 1000) throw bad('was submitted too quickly: take a moment and submit again');
  if (age > MAX_FORM_AGE_MS) throw bad('has expired: reload the form');
}

export async function formsOf(
  trx: Transaction<Database> | import('kysely').Kysely<Database>,
  brandId: string,
) {
  const rows = await trx
    .selectFrom('application_forms')
    .selectAll()
    .where('brand_id', '=', brandId)
    .execute();
  return Object.fromEntries(rows.map((r) => [r.segment, r.fields as CustomField[]])) as Record<
    string,
    CustomField[]
  >;
}

export interface ApplicationInput {
  brandId: string;
  displayName: string;
  email: string;
  password: string;
  country: string | null;
  segments: string[];
  legalName?: string | null;
  companyName?: string | null;
  phone?: string | null;
  website?: string | null;
  customFields?: Record<string, unknown>;
  parentPartnerId: string | null;
  managerUserId: string | null;
  source: 'public' | 'invitation' | 'recruitment';
  ip: string | null;
  userAgent: string | null;
}

/**
 * Records an application: a partner in `applied` with its login (role partner, so it can upload documents
 * and later accept its contract), its brand program (and parent, for recruitment links and invitations)
 * and the answers to the brand's custom fields for each segment.
 */
export async function createApplication(
  trx: Transaction<Database>,
  actor: Actor,
  a: ApplicationInput,
  now: Date,
): Promise<{ partnerId: string }> {
  const decided = decideApplicationAnswers(await formsOf(trx, a.brandId), a.segments, a.customFields);
  if (decided.kind === 'invalid')
    throw new AppError('VALIDATION_FAILED', undefined, {
      fields: decided.errors.map((e) => ({ ...e, in: 'body' })),
    });
  const taken = await sql<{ n: number }>`
    select 1 as n from partners where lower(email) = lower(${a.email})
    union all select 1 from users where lower(email) = lower(${a.email}) limit 1`.execute(trx);
  if (taken.rows.length)
    throw new AppError('CONFLICT', 'An account with this e-mail address exists: sign in instead.', {
      fields: [{ path: '/email', message: 'is already registered', in: 'body' }],
    });
  const partnerId = uuidv7();
  await trx
    .insertInto('partners')
    .values({
      id: partnerId,
      display_name: a.displayName,
      email: a.email,
      country: a.country,
      status: 'applied',
      segments: a.segments,
      manager_user_id: a.managerUserId,
      legal_name: a.legalName ?? null,
      company_name: a.companyName ?? null,
      phone: a.phone ?? null,
      website: a.website ?? null,
      status_changed_at: now,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await trx
    .insertInto('applications')
    .values({
      id: uuidv7(),
      partner_id: partnerId,
      brand_id: a.brandId,
      segments: a.segments,
      answers: JSON.stringify(decided.answers),
      source: a.source,
      ip: a.ip,
      user_agent: a.userAgent?.slice(0, 500) ?? null,
      created_at: now,
    })
    .execute();
  await trx
    .insertInto('partner_status_history')
    .values({
      id: uuidv7(),
      partner_id: partnerId,
      from_status: null,
      to_status: 'applied',
      reason: `application (${a.source})`,
      actor_type: actor.type,
      actor_id: actor.id,
      occurred_at: now,
    })
    .execute();
  await recordPartnerEvent(
    trx,
    actor,
    partnerId,
    'status',
    `applied (${a.source}) for ${a.segments.join(', ')}`,
    { source: a.source, segments: a.segments },
    now,
  );
  await appendAudit(
    trx,
    actor,
    {
      action: 'partner.applied',
      entityType: 'partner',
      entityId: partnerId,
      after: { brandId: a.brandId, segments: a.segments, source: a.source, country: a.country },
    },
    now,
  );
  await joinBrand(trx, actor, partnerId, a.brandId, a.parentPartnerId, now);
  await createUser(
    trx,
    actor,
    { email: a.email, password: a.password, role: 'partner', partnerId, displayName: a.displayName },
    now,
  );
  return { partnerId };
}

export const hashToken = (t: string) => createHash('sha256').update(t).digest('hex');
export const newToken = () => randomBytes(32).toString('base64url');
