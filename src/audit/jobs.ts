import type { JobDefinition } from '../platform/jobs/job-runner.js';
import { chainPendingAudit } from './audit-chain.js';
import { verifyAndRecord } from './verify-audit-chain.js';

/** Nightly: verify the whole chain and record the result (audit_verifications and the trail itself). */
export const auditVerifyJob: JobDefinition = {
  name: 'audit-verify',
  cron: '15 3 * * *',
  handler: async (s) => {
    const r = await verifyAndRecord(s.db, { type: 'job', id: 'audit-verify' }, 'nightly', s.clock());
    s.auditChainer.kick();
    if (!r.ok) s.logger.error({ verification: r }, 'AUDIT CHAIN BROKEN');
    return { ok: r.ok, checked: r.checked, message: r.message };
  },
};

/** Every minute: link records a crashed process committed but did not chain. */
export const auditChainJob: JobDefinition = {
  name: 'audit-chain',
  cron: '* * * * *',
  handler: async (s) => ({ chained: await chainPendingAudit(s.db) }),
};
