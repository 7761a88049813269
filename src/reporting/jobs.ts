import { sql } from 'kysely';
import { type Actor, appendAudit } from '../audit/audit-store.js';
import { writeAudited } from '../audit/write-audited.js';
import type { JobDefinition } from '../platform/jobs/job-runner.js';
import type { Services } from '../platform/services.js';
import { refreshCustomerCohorts } from './report-store.js';

/**
 * Rebuilds the customer-cohort aggregate behind customer LTV in one transaction with its audit record
 * (`reports.cohorts_refreshed`). Idempotent: the aggregate is replaced as a whole, so a second run on the
 * same data leaves the same rows. A transaction-scoped advisory lock keeps two refreshes (the nightly job,
 * `POST /reports/refresh`, the demo seed) from interleaving their delete and insert.
 */
export async function refreshCohortsAudited(
  s: Pick<Services, 'db' | 'clock' | 'auditChainer'>,
  actor: Actor,
  trigger: string,
): Promise<{ rows: number; refreshedAt: Date }> {
  return writeAudited(s, async (trx, now) => {
    await sql`select pg_advisory_xact_lock(hashtext('reporting_customer_cohorts'))`.execute(trx);
    const r = await refreshCustomerCohorts(trx, now);
    await appendAudit(
      trx,
      actor,
      {
        action: 'reports.cohorts_refreshed',
        entityType: 'reporting_customer_cohorts',
        entityId: null,
        detail: { rows: r.rows, trigger },
      },
      now,
    );
    return { rows: r.rows, refreshedAt: now };
  });
}

/** Nightly (after the rollups of the day before are in): the customer-cohort aggregate behind customer LTV. */
export const cohortRefreshJob: JobDefinition = {
  name: 'reports.refresh-cohorts',
  cron: '45 2 * * *',
  handler: async (s) => {
    const r = await refreshCohortsAudited(s, { type: 'job', id: 'reports.refresh-cohorts' }, 'nightly');
    return { rows: r.rows, refreshedAt: r.refreshedAt.toISOString() };
  },
};
