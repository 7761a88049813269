import type { Services } from '../platform/services.js';

/**
 * Hands pending notification e-mails to the job queue after their transaction committed. `notify` kicks the
 * dispatcher (a short timer, so the rows are committed by the time it looks); the sweep job catches anything
 * a kick missed (a slow transaction, a process without the queue).
 */

type Sender = (notificationId: string) => Promise<unknown>;

export const DELIVER_JOB = 'notifications.deliver';
export const SWEEP_JOB = 'notifications.sweep';

export interface RetryPolicy {
  retryLimit: number;
  retryDelay: number;
  retryBackoff: boolean;
}
/** pg-boss retries: 5 retries, 30 s doubling (30 s … 8 min). */
export const EMAIL_RETRY: RetryPolicy = { retryLimit: 5, retryDelay: 30, retryBackoff: true };

let sender: Sender | undefined;
let dispatchServices: Pick<Services, 'db' | 'logger' | 'clock'> | undefined;
let timers: ReturnType<typeof setTimeout>[] = [];

/** Wires the job queue (set by `consort start` once pg-boss runs); `undefined` stops dispatching. */
export function setNotificationSender(
  send: Sender | undefined,
  services?: Pick<Services, 'db' | 'logger' | 'clock'>,
): void {
  sender = send;
  dispatchServices = send ? services : undefined;
  if (!send) {
    for (const t of timers) clearTimeout(t);
    timers = [];
  }
}

/** The sender over a pg-boss runner, with the retry policy; one job per notification. */
export function pgBossNotificationSender(
  boss: { send(name: string, data: object, opts: object): Promise<string | null> },
  retry: RetryPolicy = EMAIL_RETRY,
): Sender {
  return (id) => boss.send(DELIVER_JOB, { notificationId: id }, { ...retry, singletonKey: id });
}

/** Asks for a dispatch shortly (after the caller's transaction commits); a no-op without the job queue. */
export function kickEmailDispatch(): void {
  if (!sender || !dispatchServices || timers.length > 0) return;
  const s = dispatchServices;
  for (const delay of [150, 2_000]) {
    const t = setTimeout(() => {
      timers = timers.filter((x) => x !== t);
      dispatchPendingEmails(s).catch((err) => s.logger.warn({ err }, 'notification e-mails not queued'));
    }, delay);
    t.unref?.();
    timers.push(t);
  }
}

/**
 * Queues committed e-mails that were never queued. Each row is claimed first (`email_enqueued_at`), so two
 * processes never queue the same one; a failed hand-over is released for the next sweep.
 */
export async function dispatchPendingEmails(
  s: Pick<Services, 'db' | 'logger' | 'clock'>,
  limit = 500,
): Promise<number> {
  if (!sender) return 0;
  const rows = await s.db
    .selectFrom('notifications')
    .select('id')
    .where('email_status', '=', 'pending')
    .where('email_enqueued_at', 'is', null)
    .orderBy('created_at')
    .limit(limit)
    .execute();
  let queued = 0;
  for (const r of rows) {
    const claimed = await s.db
      .updateTable('notifications')
      .set({ email_enqueued_at: s.clock() })
      .where('id', '=', r.id)
      .where('email_enqueued_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!claimed) continue;
    try {
      await sender(r.id);
      queued += 1;
    } catch (err) {
      s.logger.warn({ err, notificationId: r.id }, 'notification e-mail not queued; the sweep will retry');
      await s.db
        .updateTable('notifications')
        .set({ email_enqueued_at: null })
        .where('id', '=', r.id)
        .execute();
    }
  }
  return queued;
}
