import { sql, type Transaction } from 'kysely';
import { type Actor, appendAudit } from '../audit/audit-store.js';
import type { Database } from '../platform/db/schema.js';
import { AppError } from '../platform/http/errors.js';
import { type PartnerRow, recordPartnerEvent } from './partner-store.js';
import { eraseThread } from '../messages/message-store.js';
import { eraseNotificationsAbout } from '../notifications/notification-store.js';

/**
 * GDPR erasure of a rejected or terminated partner. Personal data is removed or replaced by a pseudonym
 * (`Erased partner <id prefix>`): name, contact, company contact, address, notes, e-mail, payment details,
 * application answers, invitation addresses, note texts, NPS comments, message texts, notification texts, document files (their metadata and
 * hashes stay as evidence of vetting) and the login (disabled, sessions and keys revoked). Kept, because
 * financial and regulatory records require them: the id, country, segments, status history, tax-form status,
 * contracts (the accepted legal text), tracking codes, ledger and the audit trail.
 * Returns the storage keys of the document files to delete once the transaction commits.
 */
export async function erasePartner(
  trx: Transaction<Database>,
  actor: Actor,
  partner: PartnerRow,
  reason: string,
  now: Date,
): Promise<{ partner: PartnerRow; storageKeys: string[] }> {
  if (partner.erased_at) throw new AppError('CONFLICT', 'This partner was already erased.');
  if (!['rejected', 'terminated'].includes(partner.status))
    throw new AppError(
      'INVALID_TRANSITION',
      'Only a rejected or terminated partner can be erased: terminate first.',
      {
        currentStatus: partner.status,
        allowed: ['rejected', 'terminated'],
      },
    );
  const pseudonym = `Erased partner ${partner.id.slice(0, 8)}`;
  const after = await trx
    .updateTable('partners')
    .set({
      display_name: pseudonym,
      email: null,
      legal_name: null,
      contact_name: null,
      phone: null,
      website: null,
      company_name: null,
      company_number: null,
      vat_number: null,
      address: null,
      notes: null,
      tags: [],
      erased_at: now,
      updated_at: now,
    })
    .where('id', '=', partner.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx.deleteFrom('partner_payment_details').where('partner_id', '=', partner.id).execute();
  await trx
    .updateTable('applications')
    .set({ answers: '{}', ip: null, user_agent: null })
    .where('partner_id', '=', partner.id)
    .execute();
  await trx.updateTable('invitations').set({ email: null }).where('partner_id', '=', partner.id).execute();
  await trx
    .updateTable('partner_notes')
    .set({ body: '[erased]' })
    .where('partner_id', '=', partner.id)
    .execute();
  await trx.updateTable('nps_answers').set({ comment: null }).where('partner_id', '=', partner.id).execute();
  await eraseThread(trx, partner.id);
  await eraseNotificationsAbout(trx, partner.id);
  const docs = await trx
    .updateTable('documents')
    .set({ file_name: '[erased]', storage_key: null, erased_at: now })
    .where('partner_id', '=', partner.id)
    .where('erased_at', 'is', null)
    .returning(['id'])
    .execute();
  const keys = docs.map((d) => `${partner.id}/${d.id}`);
  const users = await trx
    .updateTable('users')
    .set({
      email: sql<string>`'erased+' || id::text || '@erased.invalid'`,
      display_name: pseudonym,
      disabled_at: now,
      totp_secret: null,
      updated_at: now,
    })
    .where('partner_id', '=', partner.id)
    .returning(['id'])
    .execute();
  if (users.length)
    await trx
      .updateTable('sessions')
      .set({ revoked_at: now, ip: null, user_agent: null })
      .where(
        'user_id',
        'in',
        users.map((u) => u.id),
      )
      .execute();
  await trx
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('partner_id', '=', partner.id)
    .where('revoked_at', 'is', null)
    .execute();
  await recordPartnerEvent(
    trx,
    actor,
    partner.id,
    'erasure',
    `personal data erased (${reason})`,
    { reason },
    now,
  );
  await appendAudit(
    trx,
    actor,
    {
      action: 'partner.erased',
      entityType: 'partner',
      entityId: partner.id,
      // no personal data in the trail: what was erased, not its values
      detail: { reason, documents: docs.length, logins: users.length, pseudonym },
    },
    now,
  );
  return { partner: after, storageKeys: keys };
}
