import { appendAudit } from '../audit/audit-store.js';
import { writeAudited } from '../audit/write-audited.js';
import type { Services } from '../platform/services.js';
import { notify } from './notification-store.js';

/** Days before expiry from which a document is announced (each day, once per document and recipient). */
export const DOCUMENT_EXPIRY_WITHIN_DAYS = 7;

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/**
 * The daily document-expiry notice: every current document (not erased, not rejected, not superseded by a
 * document of the same type that lasts longer) expiring within `withinDays` of `today` notifies the partner's
 * logins and its manager. Idempotent per document, recipient and day (a re-run the same day adds nothing).
 */
export async function notifyExpiringDocuments(
  s: Pick<Services, 'db' | 'clock' | 'auditChainer'>,
  opts: { today?: string; withinDays?: number } = {},
): Promise<{ documents: number; notified: number }> {
  return writeAudited(s, async (trx, now) => {
    const today = opts.today ?? now.toISOString().slice(0, 10);
    const until = addDays(today, opts.withinDays ?? DOCUMENT_EXPIRY_WITHIN_DAYS);
    const docs = await trx
      .selectFrom('documents as d')
      .innerJoin('partners as p', 'p.id', 'd.partner_id')
      .select(['d.id', 'd.type', 'd.expires_on', 'd.partner_id', 'p.manager_user_id', 'p.display_name'])
      .where('d.expires_on', 'is not', null)
      .where('d.expires_on', '>=', today)
      .where('d.expires_on', '<=', until)
      .where('d.erased_at', 'is', null)
      .where('d.review_status', '!=', 'rejected')
      .where('p.erased_at', 'is', null)
      .where('p.status', 'not in', ['rejected', 'terminated'])
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('documents as n')
              .select('n.id')
              .whereRef('n.partner_id', '=', 'd.partner_id')
              .whereRef('n.type', '=', 'd.type')
              .whereRef('n.id', '!=', 'd.id')
              .where('n.erased_at', 'is', null)
              .where('n.review_status', '!=', 'rejected')
              .where((eb) => eb.or([eb('n.expires_on', 'is', null), eb('n.expires_on', '>', until)])),
          ),
        ),
      )
      .orderBy('d.expires_on')
      .orderBy('d.id')
      .execute();
    let notified = 0;
    for (const d of docs) {
      const expiresOn = d.expires_on!;
      const daysLeft = Math.round(
        (Date.parse(`${expiresOn}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000,
      );
      const data = { documentType: d.type.replace(/_/g, ' '), expiresOn, daysLeft };
      const key = `document_expiring:${d.id}:${today}`;
      notified += (
        await notify(
          trx,
          {
            event: 'document_expiring',
            partnerId: d.partner_id,
            data,
            link: '/portal/onboarding',
            dedupeKey: key,
          },
          now,
        )
      ).length;
      if (d.manager_user_id)
        notified += (
          await notify(
            trx,
            {
              event: 'document_expiring',
              userIds: [d.manager_user_id],
              data: { ...data, partnerName: d.display_name },
              link: `/partners/${d.partner_id}`,
              dedupeKey: key,
            },
            now,
          )
        ).length;
    }
    if (notified > 0)
      await appendAudit(
        trx,
        { type: 'job', id: 'notifications.document-expiry' },
        {
          action: 'notification.documents_expiring',
          entityType: 'notification',
          detail: { today, until, documents: docs.length, notified },
        },
        now,
      );
    return { documents: docs.length, notified };
  });
}
