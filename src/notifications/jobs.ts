import type { JobDefinition } from '../platform/jobs/job-runner.js';
import { deliverNotificationEmail } from './deliver-email.js';
import { notifyExpiringDocuments } from './document-expiry.js';
import { DELIVER_JOB, dispatchPendingEmails, EMAIL_RETRY, SWEEP_JOB } from './email-dispatch.js';

/** One e-mail attempt; throws on failure so pg-boss retries with backoff (the last attempt marks it failed). */
export const notificationDeliverJob: JobDefinition = {
  name: DELIVER_JOB,
  async handler(services, data) {
    const id = (data as { notificationId?: unknown }).notificationId;
    if (typeof id !== 'string') return { skipped: 'no notificationId' };
    const row = await services.db
      .selectFrom('notifications')
      .select('email_attempts')
      .where('id', '=', id)
      .executeTakeFirst();
    const finalAttempt = (row?.email_attempts ?? 0) >= EMAIL_RETRY.retryLimit;
    const r = await deliverNotificationEmail(services, id, { finalAttempt });
    if (r.kind === 'failed' && !r.final) throw new Error(`notification e-mail failed: ${r.error}`);
    return r;
  },
};

/** Every minute: queue e-mails that were never queued (a missed kick, a process without the queue). */
export const notificationSweepJob: JobDefinition = {
  name: SWEEP_JOB,
  cron: '* * * * *',
  async handler(services) {
    return { queued: await dispatchPendingEmails(services) };
  },
};

/** Daily: documents expiring soon notify their partner and manager (`{withinDays?, today?}` for a manual run). */
export const documentExpiryJob: JobDefinition = {
  name: 'notifications.document-expiry',
  cron: '0 6 * * *',
  async handler(services, data) {
    const d = (data ?? {}) as { withinDays?: unknown; today?: unknown };
    return notifyExpiringDocuments(services, {
      ...(typeof d.withinDays === 'number' && d.withinDays >= 0 && d.withinDays <= 365
        ? { withinDays: Math.floor(d.withinDays) }
        : {}),
      ...(typeof d.today === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d.today) ? { today: d.today } : {}),
    });
  },
};

export const NOTIFICATION_JOBS = [notificationDeliverJob, notificationSweepJob, documentExpiryJob];
