import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditChainJob, auditVerifyJob } from '../../src/audit/jobs.js';
import { type JobRunner, startJobs } from '../../src/platform/jobs/job-runner.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { ENGINE } from '../helpers/test-db.js';

let t: TestContext;
let jobs: JobRunner;
beforeAll(async () => {
  t = await createTestContext();
  await t.loginAs('admin');
  jobs = await startJobs(t.services, [auditVerifyJob, auditChainJob]);
});
afterAll(async () => {
  await jobs.stop();
  await t.close();
});

describe(`pg-boss jobs [${ENGINE}]`, () => {
  it('registers the nightly audit verification and the chain catch-up on their schedules', async () => {
    const schedules = await jobs.boss.getSchedules();
    const byName = Object.fromEntries(schedules.map((s) => [s.name, s.cron]));
    expect(byName).toMatchObject({ 'audit-verify': '15 3 * * *', 'audit-chain': '* * * * *' });
  });

  it('runs the audit verification job and records its result', async () => {
    const id = await jobs.send('audit-verify');
    expect(id).toBeTruthy();
    await vi.waitFor(
      async () => {
        const job = await jobs.boss.getJobById('audit-verify', id!);
        expect(job?.state).toBe('completed');
      },
      { timeout: 20_000, interval: 100 },
    );
    const rows = await t.services.db
      .selectFrom('audit_verifications')
      .selectAll()
      .where('trigger', '=', 'nightly')
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      ok: true,
      message: expect.stringMatching(/^audit chain intact: \d+ records verified$/),
    });
    expect(Number(rows[0]!.checked)).toBeGreaterThan(0);
    const audited = await t.services.db
      .selectFrom('audit_log')
      .select(['actor_type', 'actor_id'])
      .where('action', '=', 'audit.verified')
      .execute();
    expect(audited).toEqual([{ actor_type: 'job', actor_id: 'audit-verify' }]);
  });
});
