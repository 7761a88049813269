import type { Kysely, Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { appendAudit } from '../audit/audit-store.js';
import { calculateMacroUrl } from '../attribution/calculate-macros.js';
import type { JobDefinition } from '../platform/jobs/job-runner.js';
import type { Database, EventType } from '../platform/db/schema.js';
import type { Services } from '../platform/services.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Consecutive failed attempts after which a partner's postback is disabled (the partner re-enables it). */
export const DISABLE_AFTER_FAILURES = 10;
export const DELIVER_JOB = 'postback.deliver';
export const SWEEP_JOB = 'postback.sweep';

export interface RetryPolicy {
  retryLimit: number;
  retryDelay: number;
  retryBackoff: boolean;
}
/** pg-boss retries: 8 retries, 30 s doubling (30 s … ~64 min). */
export const DEFAULT_RETRY: RetryPolicy = { retryLimit: 8, retryDelay: 30, retryBackoff: true };

type Sender = (deliveryId: string) => Promise<unknown>;
let sender: Sender | undefined;

/** Wires the job queue (set by `consort start` once pg-boss runs); without it the sweep job picks them up. */
export function setPostbackSender(send: Sender | undefined): void {
  sender = send;
}

/** The sender over a pg-boss runner, with the retry policy. */
export function pgBossSender(
  boss: { send(name: string, data: object, opts: object): Promise<string | null> },
  retry: RetryPolicy = DEFAULT_RETRY,
): Sender {
  return (deliveryId) => boss.send(DELIVER_JOB, { deliveryId }, { ...retry, singletonKey: deliveryId });
}

/**
 * Creates the delivery rows (outbox) for an event of a customer owned by `partnerId`: one per enabled
 * postback of that partner for this event type (and brand). Macros carry no PII: click id, sub-ids,
 * event, amount, currency, commission (empty until the engine computes it).
 */
export async function queueDeliveries(
  trx: Transaction<Database>,
  input: {
    partnerId: string;
    brandId: string;
    eventId: string;
    version: number;
    type: EventType;
    amount: string | null;
    currency: string | null;
    clickId: string | null;
    subs: Array<string | null>;
    customerPublicId: string;
  },
  now: Date,
): Promise<string[]> {
  const configs = await trx
    .selectFrom('partner_postbacks')
    .select(['id', 'url', 'brand_id'])
    .where('partner_id', '=', input.partnerId)
    .where('event_type', '=', input.type)
    .where('enabled', '=', true)
    .execute();
  const ids: string[] = [];
  for (const c of configs) {
    if (c.brand_id && c.brand_id !== input.brandId) continue;
    const url = calculateMacroUrl(c.url, {
      click_id: input.clickId,
      sub1: input.subs[0],
      sub2: input.subs[1],
      sub3: input.subs[2],
      sub4: input.subs[3],
      sub5: input.subs[4],
      event: input.type,
      amount: input.amount,
      currency: input.currency,
      commission: '',
      customer_id: input.customerPublicId,
    });
    const row = await trx
      .insertInto('postback_deliveries')
      .values({
        id: uuidv7(),
        postback_id: c.id,
        partner_id: input.partnerId,
        event_id: input.eventId,
        event_version: input.version,
        url,
        status: 'pending',
        attempts: 0,
        created_at: now,
      })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    if (row) ids.push(row.id);
  }
  return ids;
}

/** After commit: hands new deliveries to the queue (when running); failures leave them for the sweep. */
export async function dispatchDeliveries(s: Pick<Services, 'db' | 'logger' | 'clock'>, ids: string[]) {
  if (!sender || ids.length === 0) return;
  for (const id of ids) {
    try {
      await sender(id);
      await s.db
        .updateTable('postback_deliveries')
        .set({ enqueued_at: s.clock() })
        .where('id', '=', id)
        .execute();
    } catch (err) {
      s.logger.warn({ err, deliveryId: id }, 'postback not queued; the sweep will retry');
    }
  }
}

export type DeliveryOutcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'failed'; status: number | null; error: string; disabled: boolean; retry: boolean }
  | { kind: 'skipped'; reason: string };

/**
 * One delivery attempt: GET the expanded URL (10 s timeout). 2xx resets the postback's failure count;
 * anything else counts a failure, and the 10th consecutive one disables the postback (audited).
 * `retry` tells the job to throw so pg-boss retries with backoff.
 */
export async function attemptDelivery(
  s: Pick<Services, 'db' | 'clock' | 'auditChainer'>,
  deliveryId: string,
  opts: { timeoutMs?: number; finalAttempt?: boolean } = {},
): Promise<DeliveryOutcome> {
  const d = await s.db
    .selectFrom('postback_deliveries as d')
    .innerJoin('partner_postbacks as p', 'p.id', 'd.postback_id')
    .select(['d.id', 'd.url', 'd.status', 'd.postback_id', 'p.enabled'])
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
  if (!d) return { kind: 'skipped', reason: 'unknown delivery' };
  if (d.status !== 'pending') return { kind: 'skipped', reason: `already ${d.status}` };
  if (!d.enabled) {
    await s.db
      .updateTable('postback_deliveries')
      .set({ status: 'skipped', last_error: 'postback disabled', finished_at: s.clock() })
      .where('id', '=', d.id)
      .execute();
    return { kind: 'skipped', reason: 'postback disabled' };
  }
  let status: number | null = null;
  let error = '';
  try {
    const res = await fetch(d.url, {
      method: 'GET',
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      headers: { 'user-agent': 'Consort-Postback/1.0' },
    });
    status = res.status;
    await res.body?.cancel();
    if (res.status >= 200 && res.status < 300) {
      const now = s.clock();
      await s.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('postback_deliveries')
          .set({
            status: 'delivered',
            attempts: (eb) => eb('attempts', '+', 1),
            last_status_code: status,
            finished_at: now,
          })
          .where('id', '=', d.id)
          .execute();
        await trx
          .updateTable('partner_postbacks')
          .set({ consecutive_failures: 0 })
          .where('id', '=', d.postback_id)
          .execute();
      });
      return { kind: 'delivered', status: res.status };
    }
    error = `HTTP ${res.status}`;
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const now = s.clock();
  const disabled = await s.db.transaction().execute(async (trx) => {
    const p = await trx
      .updateTable('partner_postbacks')
      .set({ consecutive_failures: (eb) => eb('consecutive_failures', '+', 1), updated_at: now })
      .where('id', '=', d.postback_id)
      .returning(['consecutive_failures', 'enabled', 'partner_id'])
      .executeTakeFirstOrThrow();
    const disable = p.enabled && p.consecutive_failures >= DISABLE_AFTER_FAILURES;
    if (disable) {
      await trx
        .updateTable('partner_postbacks')
        .set({
          enabled: false,
          disabled_at: now,
          disabled_reason: `${p.consecutive_failures} consecutive failures`,
        })
        .where('id', '=', d.postback_id)
        .execute();
      await appendAudit(
        trx,
        { type: 'system', id: 'postback-delivery' },
        {
          action: 'partner_postback.disabled',
          entityType: 'partner_postback',
          entityId: d.postback_id,
          after: { enabled: false, consecutiveFailures: p.consecutive_failures, lastError: error },
        },
        now,
      );
    }
    const final = disable || opts.finalAttempt === true;
    await trx
      .updateTable('postback_deliveries')
      .set({
        attempts: (eb) => eb('attempts', '+', 1),
        last_status_code: status,
        last_error: error.slice(0, 500),
        ...(final ? { status: 'failed' as const, finished_at: now } : {}),
      })
      .where('id', '=', d.id)
      .execute();
    return disable;
  });
  if (disabled) s.auditChainer.kick();
  return { kind: 'failed', status, error, disabled, retry: !disabled && opts.finalAttempt !== true };
}

/** The delivery job: one attempt; throws on a retryable failure so pg-boss retries with backoff. */
export const postbackDeliverJob: JobDefinition = {
  name: DELIVER_JOB,
  async handler(services, data) {
    const deliveryId = (data as { deliveryId?: unknown }).deliveryId;
    if (typeof deliveryId !== 'string') return { skipped: 'no deliveryId' };
    const row = await services.db
      .selectFrom('postback_deliveries')
      .select('attempts')
      .where('id', '=', deliveryId)
      .executeTakeFirst();
    // the last retry pg-boss will make: mark the delivery failed instead of leaving it pending
    const finalAttempt = (row?.attempts ?? 0) >= DEFAULT_RETRY.retryLimit;
    const r = await attemptDelivery(services, deliveryId, { finalAttempt });
    if (r.kind === 'failed' && r.retry) throw new Error(`postback delivery failed: ${r.error}`);
    return r;
  },
};

/** Every minute: queue deliveries that were never queued (the API process ran without the job queue). */
export const postbackSweepJob: JobDefinition = {
  name: SWEEP_JOB,
  cron: '* * * * *',
  async handler(services) {
    const rows = await services.db
      .selectFrom('postback_deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .where('enqueued_at', 'is', null)
      .orderBy('created_at')
      .limit(1000)
      .execute();
    await dispatchDeliveries(
      services,
      rows.map((r) => r.id),
    );
    return { queued: rows.length };
  },
};

/** A partner's postback configurations. */
export async function listPartnerPostbacks(db: Db, partnerId: string) {
  return db
    .selectFrom('partner_postbacks')
    .selectAll()
    .where('partner_id', '=', partnerId)
    .orderBy('created_at')
    .execute();
}
