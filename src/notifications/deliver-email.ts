import type { Services } from '../platform/services.js';

export type EmailOutcome =
  | { kind: 'sent' }
  | { kind: 'failed'; error: string; final: boolean }
  | { kind: 'skipped'; reason: string };

/**
 * Sends one notification's e-mail through the SMTP mail service and records the outcome on the row: `sent`,
 * or the attempt count and last error (pending while pg-boss retries; `failed` on the final attempt).
 * The text is the in-app text plus a link into the app and where to change preferences.
 */
export async function deliverNotificationEmail(
  s: Pick<Services, 'db' | 'clock' | 'mailer' | 'config'>,
  notificationId: string,
  opts: { finalAttempt?: boolean } = {},
): Promise<EmailOutcome> {
  const n = await s.db
    .selectFrom('notifications as n')
    .innerJoin('users as u', 'u.id', 'n.user_id')
    .select(['n.id', 'n.title', 'n.body', 'n.link', 'n.email_status', 'u.email', 'u.role', 'u.disabled_at'])
    .where('n.id', '=', notificationId)
    .executeTakeFirst();
  if (!n) return { kind: 'skipped', reason: 'unknown notification' };
  if (n.email_status !== 'pending') return { kind: 'skipped', reason: `already ${n.email_status}` };
  if (n.disabled_at) {
    await s.db
      .updateTable('notifications')
      .set({ email_status: 'failed', email_last_error: 'login disabled' })
      .where('id', '=', n.id)
      .execute();
    return { kind: 'skipped', reason: 'login disabled' };
  }
  const base = s.config.publicUrl.replace(/\/$/, '');
  const settings = n.role === 'partner' ? '/portal/settings' : '/account';
  const text =
    n.body +
    (n.link ? `\n\nOpen in Consort: ${base}${n.link}` : '') +
    `\n\n--\nChoose which e-mails you receive: ${base}${settings}`;
  try {
    await s.mailer.send({ to: n.email, subject: n.title, text });
  } catch (err) {
    const error = (err instanceof Error ? err.message : String(err)).slice(0, 500);
    const final = opts.finalAttempt === true;
    await s.db
      .updateTable('notifications')
      .set((eb) => ({
        email_attempts: eb('email_attempts', '+', 1),
        email_last_error: error,
        ...(final ? { email_status: 'failed' as const } : {}),
      }))
      .where('id', '=', n.id)
      .execute();
    return { kind: 'failed', error, final };
  }
  await s.db
    .updateTable('notifications')
    .set((eb) => ({
      email_status: 'sent' as const,
      email_attempts: eb('email_attempts', '+', 1),
      email_sent_at: s.clock(),
      email_last_error: null,
    }))
    .where('id', '=', n.id)
    .execute();
  return { kind: 'sent' };
}
