import type { Transaction } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import type { Services } from '../platform/services.js';

/**
 * Runs a state change in one transaction, in which the change appends its audit records; once committed,
 * the audit chainer links them. Every write path (routes, jobs, CLI) goes through here.
 */
export async function writeAudited<T>(
  services: Pick<Services, 'db' | 'clock' | 'auditChainer'>,
  fn: (trx: Transaction<Database>, now: Date) => Promise<T>,
): Promise<T> {
  const now = services.clock();
  const result = await services.db.transaction().execute((trx) => fn(trx, now));
  services.auditChainer.kick();
  return result;
}
